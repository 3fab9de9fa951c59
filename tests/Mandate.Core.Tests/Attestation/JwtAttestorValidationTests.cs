using Mandate.Core.Attestation;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>Refusals decided by the signature, lifetime, audience and claims; the default clock skew is 30 seconds.</summary>
public sealed class JwtAttestorValidationTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(30)]
    [InlineData(3600)]
    public async Task AttestWorkload_ExpiredBeyondSkew_IsRefused(int secondsAgo)
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["exp"] = env.Now.ToUnixTimeSeconds() - secondsAgo);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token has expired; obtain a fresh token from issuer 'workloads'");
    }

    [Fact]
    public async Task AttestWorkload_ExpiredWithinSkew_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["exp"] = env.Now.ToUnixTimeSeconds() - 29);

        Assert.Equal(Agent, (await env.AttestWorkloadAsync(token)).Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_ExpiresWhileTheClockMoves_IsRefusedOnceBeyondSkew()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken();
        var attestor = env.Attestor();

        env.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        Assert.NotNull((await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None)).Identity);

        env.Clock.Advance(TimeSpan.FromSeconds(1));
        AssertRefused(await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None), token, "has expired");
    }

    [Fact]
    public async Task AttestWorkload_NotBeforeInTheFuture_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["nbf"] = env.Now.ToUnixTimeSeconds() + 31);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token is not yet valid (nbf is in the future)");
    }

    [Fact]
    public async Task AttestWorkload_NotBeforeWithinSkew_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["nbf"] = env.Now.ToUnixTimeSeconds() + 29);

        Assert.Equal(Agent, (await env.AttestWorkloadAsync(token)).Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_NoExp_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload.Remove("exp"));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token has no 'exp'; identity tokens must expire");
    }

    [Theory]
    [InlineData("https://refunds.acme.example")]
    [InlineData("mandate")]
    public async Task AttestWorkload_WrongAudience_IsRefused(string audience)
    {
        using var env = new AttestorEnvironment();
        var token = env.Workloads.Token(Agent, audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, $"is not addressed to Mandate; its 'aud' must be '{Audience}'");
    }

    [Fact]
    public async Task AttestWorkload_NoAudience_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload.Remove("aud"));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "is not addressed to Mandate");
    }

    [Fact]
    public async Task AttestWorkload_AudienceArrayIncludingMandate_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["aud"] = new[] { "https://other.example", Audience });

        Assert.Equal(Agent, (await env.AttestWorkloadAsync(token)).Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_SignedByAnotherKeyUnderTheSameKid_IsRefused()
    {
        using var env = new AttestorEnvironment();
        using var impostor = new TestIssuer(env.Workloads.Issuer, env.Workloads.Kid);
        var token = impostor.Token(Agent, Audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token signature does not verify with the keys of issuer 'workloads'");
    }

    [Fact]
    public async Task AttestWorkload_SignedByAnUnknownKid_IsRefused()
    {
        using var env = new AttestorEnvironment();
        using var impostor = new TestIssuer(env.Workloads.Issuer);
        var token = impostor.Token(Agent, Audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "signature does not verify with the keys of issuer 'workloads'");
    }

    [Fact]
    public async Task AttestWorkload_SignedByAnotherKeyWithoutKid_IsRefused()
    {
        using var env = new AttestorEnvironment();
        using var impostor = new TestIssuer(env.Workloads.Issuer);
        var token = impostor.Token(Agent, Audience, env.Now, t => t.Header.Remove("kid"));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "signature does not verify with the keys of issuer 'workloads'");
    }

    [Fact]
    public async Task AttestWorkload_PayloadChangedAfterSigning_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var genuine = env.WorkloadToken().Split('.');
        var forged = env.WorkloadToken(t => t.Payload["sub"] = "spiffe://acme.example/agents/admin").Split('.');
        var token = string.Join('.', genuine[0], forged[1], genuine[2]);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "signature does not verify");
    }

    [Theory]
    [InlineData("support-agent")]
    [InlineData("https://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/../admin")]
    public async Task AttestWorkload_SubNotASpiffeId_IsRefused(string sub)
    {
        using var env = new AttestorEnvironment();
        var token = env.Workloads.Token(sub, Audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token 'sub' is not a SPIFFE ID");
    }

    [Fact]
    public async Task AttestWorkload_NoSub_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload.Remove("sub"));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "'sub' is not a SPIFFE ID");
    }

    [Fact]
    public async Task AttestUser_NoTenantClaim_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload.Remove("tenant"));

        AssertRefused(await env.AttestUserAsync(token), token, "subject_token has no 'tenant' claim (a string)");
    }

    [Fact]
    public async Task AttestUser_EmptyTenantClaim_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload["tenant"] = "");

        // An empty tenant is no identity value (IdentityText: 1 or more characters).
        AssertRefused(await env.AttestUserAsync(token), token, "has a 'tenant' claim Mandate does not accept as an identity value");
    }

    [Fact]
    public async Task AttestUser_NoSub_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.UserToken(t => t.Payload.Remove("sub"));

        AssertRefused(await env.AttestUserAsync(token), token, "subject_token has no 'sub' claim");
    }
}
