using Mandate.Core.Attestation;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;
using static Mandate.Core.Tests.Grants.ExchangeParameterRequests;

namespace Mandate.Core.Tests.Grants;

/// <summary>RFC 8693 section 2.1: subject_token with its type, actor_token with its type, and neither type alone.</summary>
public sealed class ExchangeTokenPairTests
{
    [Theory]
    [InlineData(P.SubjectToken)]
    [InlineData(P.SubjectTokenType)]
    public async Task Check_MissingSubjectTokenOrType_IsInvalidRequest(string parameter)
    {
        await AssertRejectedAsync(p => p.Remove(parameter), E.InvalidRequest, "subject_token and subject_token_type are required");
    }

    [Fact]
    public async Task Check_EmptySubjectToken_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p[P.SubjectToken] = "", E.InvalidRequest, "subject_token and subject_token_type are required");
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:token-type:saml2")]
    [InlineData("urn:ietf:params:oauth:token-type:refresh_token")]
    [InlineData("jwt")]
    [InlineData("URN:IETF:PARAMS:OAUTH:TOKEN-TYPE:JWT")]
    public async Task Check_BadSubjectTokenType_IsInvalidRequest(string type)
    {
        await AssertRejectedAsync(p => p[P.SubjectTokenType] = type, E.InvalidRequest, "subject_token_type must be");
    }

    [Fact]
    public async Task Check_MissingActorToken_IsInvalidRequest()
    {
        await AssertRejectedAsync(p => p.Remove(P.ActorToken), E.InvalidRequest, "actor_token is required");
    }

    [Theory]
    [InlineData(T.AccessToken)]
    [InlineData(T.IdToken)]
    [InlineData("")]
    public async Task Check_WrongActorTokenType_IsInvalidRequest(string type)
    {
        await AssertRejectedAsync(p => p[P.ActorTokenType] = type, E.InvalidRequest, "actor_token_type must be urn:ietf:params:oauth:token-type:jwt");
    }

    [Fact]
    public async Task Check_MissingActorTokenType_IsInvalidRequest()
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
    public async Task Check_NeitherActorTokenNorTypeOverMtls_Continues()
    {
        var error = await RunAsync(
            p =>
            {
                p.Remove(P.ActorToken);
                p.Remove(P.ActorTokenType);
            },
            certificate: true);

        Assert.Null(error);
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
}
