using Mandate.Core.Attestation;
using Mandate.Core.Exchange;
using Mandate.Core.Exchange.Steps;
using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Tests.Exchange;

public sealed class ValidateExchangeParametersTests
{
    private const string SubjectToken = "eyJzdWJqZWN0LXRva2VuLXRleHQ.eyJzdWJqZWN0LXBheWxvYWQ.c3ViamVjdC1zaWduYXR1cmU";
    private const string ActorToken = "eyJhY3Rvci10b2tlbi10ZXh0.eyJhY3Rvci1wYXlsb2Fk.YWN0b3Itc2lnbmF0dXJl";

    [Fact]
    public async Task Execute_WellFormedRequest_Continues()
    {
        var context = await RunAsync(_ => { });

        Assert.Null(context.Error);
        Assert.False(context.IsDone);
    }

    [Theory]
    [InlineData(P.Audience, "refunds")]
    [InlineData(P.Resource, "https://refunds.acme.example/api?v=2")]
    [InlineData(P.RequestedTokenType, T.AccessToken)]
    [InlineData(P.RequestedTokenType, T.Jwt)]
    [InlineData(P.SubjectTokenType, T.AccessToken)]
    [InlineData(P.SubjectTokenType, T.IdToken)]
    [InlineData(P.Scope, "refunds:read refunds:write")]
    [InlineData(P.Tenant, "acme-corp.eu_1:prod")]
    [InlineData(P.Run, "run_AbC-123")]
    public async Task Execute_WellFormedVariant_Continues(string parameter, string value)
    {
        var context = await RunAsync(p =>
        {
            if (parameter == P.Audience)
            {
                p.Remove(P.Resource);
            }

            p[parameter] = value;
        });

        Assert.Null(context.Error);
    }

    [Fact]
    public async Task Execute_ResourceAndAudienceAlike_Continues()
    {
        var context = await RunAsync(p => p[P.Audience] = p[P.Resource]);

        Assert.Null(context.Error);
    }

    [Fact]
    public async Task Execute_NameOfMaximumLength_Continues()
    {
        var context = await RunAsync(p => p[P.Tenant] = new string('a', 128));

        Assert.Null(context.Error);
    }

    [Fact]
    public async Task Execute_MissingGrantType_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p.Remove(P.GrantType), E.InvalidRequest, "grant_type is required");
    }

    [Theory]
    [InlineData("authorization_code")]
    [InlineData("client_credentials")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    [InlineData("URN:IETF:PARAMS:OAUTH:GRANT-TYPE:TOKEN-EXCHANGE")]
    public async Task Execute_OtherGrantType_IsUnsupportedGrantType(string grantType)
    {
        await AssertRejectedAsync(p => p[P.GrantType] = grantType, E.UnsupportedGrantType, "supports only grant_type=urn:ietf:params:oauth:grant-type:token-exchange");
    }

    [Theory]
    [InlineData(P.SubjectToken)]
    [InlineData(P.SubjectTokenType)]
    public async Task Execute_MissingSubjectTokenOrType_IsInvalidRequest(string parameter)
    {
        await AssertRejectedAsync(p => p.Remove(parameter), E.InvalidRequest, "subject_token and subject_token_type are required");
    }

    [Fact]
    public async Task Execute_EmptySubjectToken_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p[P.SubjectToken] = "", E.InvalidRequest, "subject_token and subject_token_type are required");
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:saml2")]
    [InlineData("urn:ietf:params:oauth:token-type:refresh_token")]
    [InlineData("jwt")]
    [InlineData("URN:IETF:PARAMS:OAUTH:TOKEN-TYPE:JWT")]
    public async Task Execute_BadSubjectTokenType_IsInvalidRequest(string type)
    {
        await AssertRejectedAsync(p => p[P.SubjectTokenType] = type, E.InvalidRequest, "subject_token_type must be");
    }

    [Fact]
    public async Task Execute_MissingActorToken_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p.Remove(P.ActorToken), E.InvalidRequest, "actor_token is required");
    }

    [Theory]
    [InlineData(T.AccessToken)]
    [InlineData(T.IdToken)]
    [InlineData("")]
    public async Task Execute_WrongActorTokenType_IsInvalidRequest(string type)
    {
        await AssertRejectedAsync(p => p[P.ActorTokenType] = type, E.InvalidRequest, "actor_token_type must be urn:ietf:params:oauth:token-type:jwt");
    }

    [Fact]
    public async Task Execute_MissingActorTokenType_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p.Remove(P.ActorTokenType), E.InvalidRequest, "actor_token_type must be");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Invariant7_ActorTokenTypeWithoutActorToken_IsInvalidRequest(string? actorToken)
    {
        // RFC 8693 §2.1: actor_token_type "MUST NOT be included" unless actor_token is; an empty value is absent (RFC 6749 §3.2).
        await AssertRejectedAsync(
            p =>
            {
                if (actorToken is null)
                {
                    p.Remove(P.ActorToken);
                }
                else
                {
                    p[P.ActorToken] = actorToken;
                }
            },
            E.InvalidRequest,
            "actor_token",
            certificate: true);
    }

    [Fact]
    public async Task Invariant7_ActorTokenTypeWithoutActorTokenOverMtls_IsInvalidRequestNamingTheRule()
    {
        await AssertRejectedAsync(p => p.Remove(P.ActorToken), E.InvalidRequest, "actor_token_type was sent without actor_token", certificate: true);
    }

    [Fact]
    public async Task Execute_NeitherActorTokenNorTypeOverMtls_Continues()
    {
        var context = await RunAsync(
            p =>
            {
                p.Remove(P.ActorToken);
                p.Remove(P.ActorTokenType);
            },
            certificate: true);

        Assert.Null(context.Error);
    }

    [Fact]
    public async Task Invariant7_ActorTokenWithoutActorTokenTypeOverMtls_IsInvalidRequest()
    {
        // RFC 8693 §2.1: actor_token_type is REQUIRED when actor_token is present, whatever else identifies the agent.
        await AssertRejectedAsync(p => p.Remove(P.ActorTokenType), E.InvalidRequest, "actor_token_type must be", certificate: true);
    }

    [Theory]
    [InlineData(P.SubjectToken, null)]
    [InlineData(P.SubjectToken, "")]
    [InlineData(P.SubjectTokenType, null)]
    [InlineData(P.SubjectTokenType, "")]
    public async Task Invariant7_SubjectTokenWithoutItsTypeOrTypeWithoutToken_IsInvalidRequest(string parameter, string? value)
    {
        // RFC 8693 §2.1: subject_token and subject_token_type are both REQUIRED; one without the other is malformed.
        await AssertRejectedAsync(
            p =>
            {
                if (value is null)
                {
                    p.Remove(parameter);
                }
                else
                {
                    p[parameter] = value;
                }
            },
            E.InvalidRequest,
            "subject_token and subject_token_type are required",
            certificate: true);
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:refresh_token")]
    [InlineData(T.IdToken)]
    [InlineData("access_token")]
    public async Task Execute_BadRequestedTokenType_IsInvalidRequest(string type)
    {
        await AssertRejectedAsync(p => p[P.RequestedTokenType] = type, E.InvalidRequest, "requested_token_type must be");
    }

    [Fact]
    public async Task Execute_NoResourceNorAudience_IsInvalidTarget()
    {
        await AssertRejectedAsync(p => p.Remove(P.Resource), E.InvalidTarget, "name the tool with resource (its URI) or audience (its name)");
    }

    [Theory]
    [InlineData("refunds")]
    [InlineData("/refunds")]
    [InlineData("//refunds.acme.example/api")]
    [InlineData("refunds.acme.example/api")]
    public async Task Execute_RelativeResource_IsInvalidTarget(string resource)
    {
        await AssertRejectedAsync(p => p[P.Resource] = resource, E.InvalidTarget, "resource must be an absolute URI");
    }

    [Fact]
    public async Task Execute_ResourceWithFragment_IsInvalidTarget()
    {
        // RFC 8707 §2: the resource MUST NOT include a fragment component.
        await AssertRejectedAsync(p => p[P.Resource] = "https://refunds.acme.example/#admin", E.InvalidTarget, "resource");
    }

    [Fact]
    public async Task Execute_ResourceAndAudienceDiffer_IsInvalidTarget()
    {
        await AssertRejectedAsync(p => p[P.Audience] = "crm", E.InvalidTarget, "resource and audience name different tools");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Execute_MissingScope_IsInvalidScope(string? scope)
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
    public async Task Execute_MalformedScope_IsInvalidScope(string scope)
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
    public async Task Execute_BadTenantOrRunName_IsInvalidRequest(string parameter, string value)
    {
        await AssertRejectedAsync(p => p[parameter] = value, E.InvalidRequest, $"{parameter} must be 1-128 characters");
    }

    [Theory]
    [InlineData(P.Tenant)]
    [InlineData(P.Run)]
    public async Task Execute_NameLongerThan128_IsInvalidRequest(string parameter)
    {
        await AssertRejectedAsync(p => p[parameter] = new string('a', 129), E.InvalidRequest, $"{parameter} must be 1-128 characters");
    }

    /// <summary>What the host hands over after a valid X.509-SVID on mutual TLS (RFC 8705 §2).</summary>
    private static SenderBinding CertificateBinding() => new(
        new WorkloadIdentity("spiffe://acme.example/agents/support", new AttestationEvidence("x509-svid", "spiffe://acme.example", null, "ES256", new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero), null)),
        "x5t-of-the-client-certificate",
        null);

    /// <summary>A well-formed token exchange: user token as subject, workload identity as actor, one tool, one scope.</summary>
    private static Dictionary<string, string> WellFormed() => new()
    {
        [P.GrantType] = OAuthConstants.GrantTypes.TokenExchange,
        [P.SubjectToken] = SubjectToken,
        [P.SubjectTokenType] = T.Jwt,
        [P.ActorToken] = ActorToken,
        [P.ActorTokenType] = T.Jwt,
        [P.Resource] = "https://refunds.acme.example",
        [P.Scope] = "refunds:read",
    };

    private static async Task<ExchangeContext> RunAsync(Action<Dictionary<string, string>> edit, bool certificate = false)
    {
        var parameters = WellFormed();
        edit(parameters);
        var request = new TokenExchangeRequest(parameters) { Binding = certificate ? CertificateBinding() : SenderBinding.None };
        var context = new ExchangeContext(request, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await new ValidateExchangeParameters().ExecuteAsync(context, CancellationToken.None);
        return context;
    }

    private static async Task AssertRejectedAsync(Action<Dictionary<string, string>> edit, string error, string description, bool certificate = false)
    {
        var context = await RunAsync(edit, certificate);

        Assert.True(context.IsDone);
        var actual = Assert.IsType<OAuthError>(context.Error);
        Assert.Equal(error, actual.Error);
        Assert.Contains(description, actual.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(SubjectToken, actual.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(ActorToken, actual.Description, StringComparison.Ordinal);
        Assert.Null(context.Response);
    }
}
