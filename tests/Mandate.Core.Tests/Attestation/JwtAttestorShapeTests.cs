using Mandate.Core.Attestation;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>Inputs that are not a compact JWS of acceptable size are refused before any claim is read.</summary>
public sealed class JwtAttestorShapeTests
{
    private const string NotWellFormed = "actor_token is not a well-formed signed JWT (compact JWS, at most 16384 characters)";

    [Fact]
    public async Task AttestWorkload_TokenAtMost16KiB_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        var token = Padded(env, JwtAttestor.MaxTokenLength - 3, JwtAttestor.MaxTokenLength);

        Assert.Equal(Agent, (await env.AttestWorkloadAsync(token)).Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_TokenOver16KiB_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = Padded(env, JwtAttestor.MaxTokenLength + 1, JwtAttestor.MaxTokenLength + 4);

        AssertRefused(await env.AttestWorkloadAsync(token), token, NotWellFormed);
    }

    [Fact]
    public async Task AttestWorkload_JweShapedToken_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var header = TestIssuer.Encode(new Dictionary<string, object> { ["alg"] = "RSA-OAEP-256", ["enc"] = "A256GCM", ["kid"] = env.Workloads.Kid });
        var token = $"{header}.ZW5jcnlwdGVkLWtleS1ieXRlcw.aXYtYnl0ZXMtaGVyZQ.Y2lwaGVydGV4dC1ieXRlcw.dGFnLWJ5dGVzLWhlcmU";

        AssertRefused(await env.AttestWorkloadAsync(token), token, NotWellFormed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage-token-text")]
    [InlineData("garbage.token.text")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.bm90LWpzb24tcGF5bG9hZA.c2lnbmF0dXJlLWJ5dGVz")]
    [InlineData("bm90LWpzb24taGVhZGVy.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0")]
    [InlineData("W10.W10.c2lnbmF0dXJlLWJ5dGVz")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJh4oIvYiIsImlzcyI6IngifQ.c2lnbmF0dXJlLWJ5dGVz")] // a claim that is not UTF-8
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Imv_In0.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz")] // a header that is not UTF-8
    public async Task AttestWorkload_Garbage_IsRefused(string token)
    {
        using var env = new AttestorEnvironment();

        AssertRefused(await env.AttestWorkloadAsync(token), token, NotWellFormed);
    }

    /// <summary>A valid workload token padded with a claim until its length is in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    private static string Padded(AttestorEnvironment env, int min, int max)
    {
        var padding = (min - 700) * 3 / 4;
        while (true)
        {
            var token = env.WorkloadToken(t => t.Payload["pad"] = new string('p', padding));
            if (token.Length >= min)
            {
                Assert.InRange(token.Length, min, max);
                return token;
            }

            padding++;
        }
    }
}
