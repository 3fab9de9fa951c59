using Mandate.Core.Attestation;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;
using static Mandate.Core.Tests.Grants.ExchangeParameterRequests;

namespace Mandate.Core.Tests.Grants;

public sealed class ExchangeParametersTests
{
    [Fact]
    public async Task Check_WellFormedRequest_Continues()
    {
        var error = await RunAsync(_ => { });

        Assert.Null(error);
    }

    [Theory]
    [InlineData(P.Audience, "refunds")]
    [InlineData(P.Resource, "https://refunds.acme.example/api?v=2")]
    [InlineData(P.RequestedTokenType, T.AccessToken)]
    [InlineData(P.RequestedTokenType, T.Jwt)]
    [InlineData(P.RequestedTokenType, T.IdToken)] // a kind's own type: the tool decides whether it issues it
    [InlineData(P.RequestedTokenType, "urn:mandate:params:oauth:token-type:postgres-credentials")]
    [InlineData(P.RequestedTokenType, "urn:mandate:params:oauth:token-type:x509-certificate")]
    [InlineData(P.SubjectTokenType, T.AccessToken)]
    [InlineData(P.SubjectTokenType, T.IdToken)]
    [InlineData(P.Scope, "refunds:read refunds:write")]
    [InlineData(P.Scope, "! # [ ] ~ {|} ^_` $%&'()*+,-./;<=>?@")]
    [InlineData(P.Tenant, "acme-corp.eu_1:prod")]
    [InlineData(P.Run, "run_AbC-123")]
    public async Task Check_WellFormedVariant_Continues(string parameter, string value)
    {
        var error = await RunAsync(p =>
        {
            if (parameter == P.Audience)
            {
                p.Remove(P.Resource);
            }

            p[parameter] = value;
        });

        Assert.Null(error);
    }

    [Fact]
    public async Task Check_ResourceAndAudienceAlike_Continues()
    {
        var error = await RunAsync(p => p[P.Audience] = p[P.Resource]);

        Assert.Null(error);
    }

    [Fact]
    public async Task Check_NameOfMaximumLength_Continues()
    {
        var error = await RunAsync(p => p[P.Tenant] = new string('a', 128));

        Assert.Null(error);
    }

    [Fact]
    public async Task Check_MissingGrantType_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p.Remove(P.GrantType), E.InvalidRequest, "grant_type is required");
    }

    [Theory]
    [InlineData("authorization_code")]
    [InlineData("client_credentials")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    [InlineData("URN:IETF:PARAMS:OAUTH:GRANT-TYPE:TOKEN-EXCHANGE")]
    public async Task Check_OtherGrantType_IsUnsupportedGrantType(string grantType)
    {
        await AssertRejectedAsync(p => p[P.GrantType] = grantType, E.UnsupportedGrantType, "supports grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693), and urn:openid:params:grant-type:ciba");
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:refresh_token")]
    [InlineData("urn:ietf:params:oauth:token-type:ID_TOKEN")]
    [InlineData("urn:mandate:params:oauth:token-type:postgres")]
    [InlineData("access_token")]
    public async Task Check_BadRequestedTokenType_IsInvalidRequest(string type)
    {
        await AssertRejectedAsync(p => p[P.RequestedTokenType] = type, E.InvalidRequest, "requested_token_type must be");
    }

    [Fact]
    public async Task Check_BadRequestedTokenType_NamesEveryAcceptedType()
    {
        // :jwt is accepted (Check_WellFormedVariant_Continues), so the refusal must name it too.
        await AssertRejectedAsync(
            p => p[P.RequestedTokenType] = "urn:ietf:params:oauth:token-type:saml2",
            E.InvalidRequest,
            "urn:ietf:params:oauth:token-type:access_token or :jwt (a tool credential, the default), :txn_token (a run token), or the type the tool's kind issues");
    }

    [Fact]
    public async Task Check_NoResourceNorAudience_IsInvalidTarget()
    {
        await AssertRejectedAsync(p => p.Remove(P.Resource), E.InvalidTarget, "name the tool with resource (its URI) or audience (its name)");
    }

    [Theory]
    [InlineData("refunds")]
    [InlineData("/refunds")]
    [InlineData("//refunds.acme.example/api")]
    [InlineData("refunds.acme.example/api")]
    public async Task Check_RelativeResource_IsInvalidTarget(string resource)
    {
        await AssertRejectedAsync(p => p[P.Resource] = resource, E.InvalidTarget, "resource must be an absolute URI");
    }

    [Fact]
    public async Task Check_ResourceWithFragment_IsInvalidTarget()
    {
        // RFC 8707 §2: the resource MUST NOT include a fragment component.
        await AssertRejectedAsync(p => p[P.Resource] = "https://refunds.acme.example/#admin", E.InvalidTarget, "resource");
    }

    [Fact]
    public async Task Check_ResourceAndAudienceDiffer_IsInvalidTarget()
    {
        await AssertRejectedAsync(p => p[P.Audience] = "crm", E.InvalidTarget, "resource and audience differ");
    }

    [Fact]
    public async Task Invariant7_ResourceAndAudienceSpellingOneToolTwoWays_RefusalDoesNotClaimTwoTools()
    {
        // The tool's URI as resource and its name as audience are one tool; the refusal must say what is wrong.
        var error = await RunAsync(p => p[P.Audience] = "refunds");

        Assert.NotNull(error);
        Assert.Equal(E.InvalidTarget, error.Error);
        Assert.DoesNotContain("different tools", error.Description, StringComparison.Ordinal);
        Assert.Contains("name the tool once", error.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Check_MissingScope_IsInvalidScope(string? scope)
    {
        await AssertRejectedAsync(
            p =>
            {
                if (scope is null)
                {
                    p.Remove(P.Scope);
                }
                else
                {
                    p[P.Scope] = scope;
                }
            },
            E.InvalidScope,
            "scope is required");
    }

    [Theory]
    [InlineData("refunds:\"read\"")]
    [InlineData("refunds:read\\")]
    [InlineData("refunds:read  refunds:write")]
    [InlineData(" refunds:read")]
    [InlineData("refunds:read ")]
    [InlineData("refunds:read\trefunds:write")]
    [InlineData("refunds:read\nrefunds:write")]
    [InlineData("refunds:read\n")]
    [InlineData("refunds:lecture-é")]
    [InlineData("refunds:read\u007F")]
    [InlineData("refunds:read \u00A0")]
    public async Task Check_MalformedScope_IsInvalidScope(string scope)
    {
        await AssertRejectedAsync(p => p[P.Scope] = scope, E.InvalidScope, "scope must be space-separated tokens of printable ASCII");
    }

    [Theory]
    [InlineData(P.Tenant, "")]
    [InlineData(P.Tenant, "acme corp")]
    [InlineData(P.Tenant, "acme/eu")]
    [InlineData(P.Tenant, "acmé")]
    [InlineData(P.Tenant, "acme\n")]
    [InlineData(P.Run, "")]
    [InlineData(P.Run, "run 1")]
    [InlineData(P.Run, "run;drop")]
    [InlineData(P.Run, "run_1\n")]
    public async Task Check_BadTenantOrRunName_IsInvalidRequest(string parameter, string value)
    {
        await AssertRejectedAsync(p => p[parameter] = value, E.InvalidRequest, $"{parameter} must be 1-128 characters");
    }

    [Theory]
    [InlineData(P.Tenant)]
    [InlineData(P.Run)]
    public async Task Check_NameLongerThan128_IsInvalidRequest(string parameter)
    {
        await AssertRejectedAsync(p => p[parameter] = new string('a', 129), E.InvalidRequest, $"{parameter} must be 1-128 characters");
    }
}
