using Mandate.Core.Attestation;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// Identity tokens meet the rules every incoming JWT meets, written from the RFCs: RFC 7515 §4.1.11 (crit),
/// RFC 7519 §4.1.3 (aud and iss compare as exact strings), RFC 7519 §2 and §4.1 (types, never converted),
/// RFC 8725 §3.10 practice (iat not in the future), and one allowed set for identity text.
/// </summary>
public sealed class JwtAttestorIncomingRulesTests
{
    [Fact]
    public async Task Invariant7_CritHeaderUnknown_ActorTokenRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t =>
        {
            t.Header["crit"] = new List<string> { "urn:example:ext" };
            t.Header["urn:example:ext"] = true;
        });

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token marks as critical ('crit' header) an extension Mandate does not understand");
    }

    [Theory]
    [MemberData(nameof(MalformedCrit))]
    public async Task Invariant7_CritHeaderMalformed_SubjectTokenRefused(object crit, string reason)
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Header["crit"] = crit);

        AssertRefused(await env.AttestUserAsync(token), token, reason);
    }

    public static TheoryData<object, string> MalformedCrit => new()
    {
        { new List<string>(), "empty 'crit'" },
        { "kid", "not an array" },
        { new List<object> { 1L }, "not a string" },
        { new List<string> { "alg" }, "registered header parameter" },
        { new List<string> { "typ" }, "registered header parameter" },
        { new List<string> { "absent-ext" }, "does not carry" },
    };

    [Theory]
    [InlineData(Audience + "/")]
    [InlineData("HTTPS://MANDATE.ACME.EXAMPLE")]
    [InlineData("https://mandate.acme.example:443")]
    [InlineData(" " + Audience)]
    public async Task Invariant7_AudienceThatOnlyNormalisesToMandate_Refused(string audience)
    {
        // RFC 7519 §4.1.3: the audience value is compared as a string; no trailing-slash, case or port normalisation.
        using var env = new AttestorEnvironment();
        var token = env.Workloads.Token(Agent, audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, $"its 'aud' must be '{Audience}'");
    }

    [Fact]
    public async Task Invariant7_AudienceArrayWithTrailingSlash_Refused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["aud"] = new List<string> { Audience + "/" });

        AssertRefused(await env.AttestWorkloadAsync(token), token, "is not addressed to Mandate");
    }

    [Theory]
    [InlineData("https://spire.acme.example/")]
    [InlineData("HTTPS://spire.acme.example")]
    public async Task Invariant7_IssuerThatOnlyNormalisesToATrustedOne_Refused(string iss)
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["iss"] = iss);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "comes from an issuer that is not trusted");
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("nbf")]
    [InlineData("iat")]
    public async Task Invariant7_NumericDateAsString_Refused(string claim)
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload[claim] = env.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        AssertRefused(await env.AttestWorkloadAsync(token), token, $"'{claim}' claim that is not a JSON number");
    }

    [Theory]
    [InlineData("sub")]
    [InlineData("tenant")]
    public async Task Invariant7_NumericIdentityClaimOfUser_RefusedNotConverted(string claim)
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload[claim] = 42L);

        AssertRefused(await env.AttestUserAsync(token), token, $"subject_token has a '{claim}' claim that is not a JSON string");
    }

    [Fact]
    public async Task Invariant7_ConfiguredTenantClaimAsObject_Refused()
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload["tenant"] = new Dictionary<string, object> { ["id"] = "acme" });

        AssertRefused(await env.AttestUserAsync(token), token, "'tenant' claim that is not a JSON string");
    }

    [Fact]
    public async Task Invariant7_NumericSubOfWorkload_Refused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["sub"] = 42L);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token has a 'sub' claim that is not a JSON string");
    }

    [Fact]
    public async Task Invariant7_IssuedInTheFutureBeyondSkew_Refused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["iat"] = env.Now.ToUnixTimeSeconds() + 31);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token was issued in the future");
    }

    [Fact]
    public async Task IssuedInTheFutureWithinSkew_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["iat"] = env.Now.ToUnixTimeSeconds() + 29);

        Assert.Equal(Agent, (await env.AttestWorkloadAsync(token)).Identity?.SpiffeId);
    }

    [Fact]
    public async Task Invariant7_IssuedInTheFuture_UsesTheIssuersConfiguredSkew()
    {
        using var env = new AttestorEnvironment();
        var attestor = env.Attestor(o => o with { ClockSkew = TimeSpan.FromSeconds(5) });
        var token = env.WorkloadToken(t => t.Payload["iat"] = env.Now.ToUnixTimeSeconds() + 6);

        AssertRefused(await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None), token, "more than 5s ahead");
    }

    [Theory]
    [InlineData("sub", "alice\r\nadmin")]
    [InlineData("sub", "alice\n")]
    [InlineData("sub", "alice\u0085")]
    [InlineData("sub", "alice\u2028")]
    [InlineData("sub", "alice\u202Eecila")]
    [InlineData("tenant", "acme\r\nglobex")]
    [InlineData("tenant", "acme\u0000")]
    [InlineData("jti", "j\r\n1")]
    public async Task Invariant5_UserIdentityWithControlCharacters_Refused(string claim, string value)
    {
        // The user's sub and tenant become the principal copied into the credential and the audit record.
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload[claim] = value);

        AssertRefused(await env.AttestUserAsync(token), token, $"subject_token has a '{claim}' claim Mandate does not accept as an identity value");
    }

    [Fact]
    public async Task Invariant5_MayActSubWithLineBreak_Refused()
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload["may_act"] = new Dictionary<string, object> { ["sub"] = Agent + "\n" });

        AssertRefused(await env.AttestUserAsync(token), token, "'may_act' sub Mandate does not accept as an identity value");
    }

    [Fact]
    public async Task Invariant5_KidWithLineBreak_Refused()
    {
        // kid is copied into the audit evidence.
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Header["kid"] = env.Workloads.Kid + "\r\n");

        AssertRefused(await env.AttestWorkloadAsync(token), token, "'kid' header parameter Mandate does not accept");
    }

    [Fact]
    public async Task UserWithNonAsciiButPrintableIdentity_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload["sub"] = "zoë@acme.example");

        Assert.Equal("zoë@acme.example", (await env.AttestUserAsync(token)).Identity?.Subject);
    }
}
