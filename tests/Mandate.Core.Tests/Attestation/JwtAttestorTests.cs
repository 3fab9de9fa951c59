using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Core.Tests.Attestation.AttestorEnvironment;

namespace Mandate.Core.Tests.Attestation;

/// <summary>Acceptance, and refusals decided before the signature is checked: issuer, kind, algorithm, header keys, typ.</summary>
public sealed class JwtAttestorTests
{
    [Fact]
    public async Task AttestWorkload_GoodToken_GivesSpiffeIdAndEvidence()
    {
        using var env = new AttestorEnvironment();
        string? jti = null;
        var token = env.WorkloadToken(t => jti = (string)t.Payload["jti"]);

        var result = await env.AttestWorkloadAsync(token);

        Assert.Null(result.Failure);
        var identity = Assert.IsType<WorkloadIdentity>(result.Identity);
        Assert.Equal(Agent, identity.SpiffeId);
        Assert.Equal(new AttestationEvidence("workloads", env.Workloads.Issuer, env.Workloads.Kid, "ES256", env.Now + TimeSpan.FromMinutes(5), jti) { Profile = "jwt-svid" }, identity.Evidence);
    }

    [Fact]
    public async Task AttestWorkload_TokenWithoutKid_IsVerifiedWithTheIssuersKeys()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Header.Remove("kid"));

        var result = await env.AttestWorkloadAsync(token);

        Assert.Equal(Agent, result.Identity?.SpiffeId);
        Assert.Null(result.Identity!.Evidence.KeyId);
    }

    [Fact]
    public async Task AttestUser_GoodToken_GivesUserAndTenant()
    {
        using var env = new AttestorEnvironment();

        var result = await env.AttestUserAsync(env.UserToken());

        Assert.Null(result.Failure);
        var user = Assert.IsType<UserIdentity>(result.Identity);
        Assert.Equal(env.Users.Issuer, user.Issuer);
        Assert.Equal("alice", user.Subject);
        Assert.Equal("acme", user.Tenant);
        Assert.Equal("acme-idp", user.Evidence.IssuerName);
    }

    [Fact]
    public async Task AttestWorkload_DevIssuerToken_IsAccepted()
    {
        using var env = new AttestorEnvironment();
        using var data = new TempDirectory();
        var options = env.WorkloadOptions with { DevSigner = true, JwksFile = data.File("dev-issuers", "workloads.jwks.json") };
        using var dev = DevIssuer.Ensure(options, data.Path);
        var attestor = new JwtAttestor([new TrustedIssuer(options, new FileJwksSource(options.JwksFile), Audience)], env.Clock);

        var token = dev.CreateToken(Agent, Audience, TimeSpan.FromMinutes(5), null, env.Now);
        var result = await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        Assert.Null(result.Failure);
        Assert.Equal(Agent, result.Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_DevIssuerOpenedAgainInTheSameProcess_SignsTokensThatAreAccepted()
    {
        using var env = new AttestorEnvironment();
        using var data = new TempDirectory();
        var options = env.WorkloadOptions with { DevSigner = true, JwksFile = data.File("dev-issuers", "workloads.jwks.json") };
        var attestor = new JwtAttestor([new TrustedIssuer(options, new FileJwksSource(options.JwksFile), Audience)], env.Clock);
        using (var first = DevIssuer.Ensure(options, data.Path))
        {
            _ = first.CreateToken(Agent, Audience, TimeSpan.FromMinutes(5), null, env.Now);
        }

        // The same key file, the same kid: a signer cached for the first, disposed key must not be reused.
        using var again = DevIssuer.Ensure(options, data.Path);
        var result = await attestor.AttestWorkloadAsync(again.CreateToken(Agent, Audience, TimeSpan.FromMinutes(5), null, env.Now), Parameter, CancellationToken.None);

        Assert.Null(result.Failure);
    }

    [Fact]
    public async Task AttestWorkload_UntrustedIssuer_IsRefused()
    {
        using var env = new AttestorEnvironment();
        using var stranger = new TestIssuer("https://evil.example");
        var token = stranger.Token(Agent, Audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "actor_token comes from an issuer that is not trusted");
    }

    [Fact]
    public async Task AttestWorkload_NoIssClaim_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload.Remove("iss"));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "issuer that is not trusted");
    }

    [Fact]
    public async Task AttestWorkload_IssuerTrustedForUsers_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.Users.Token(Agent, Audience, env.Now);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "trusted for user identities, not workload identities");
    }

    [Fact]
    public async Task AttestUser_IssuerTrustedForWorkloads_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Payload["tenant"] = "acme");

        AssertRefused(await env.AttestUserAsync(token), token, "trusted for workload identities, not user identities");
    }

    [Fact]
    public async Task AttestWorkload_AlgorithmNotAllowed_IsRefused()
    {
        using var env = new AttestorEnvironment();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var unsigned = env.WorkloadToken(t => t.Header["alg"] = "ES384");
        var input = unsigned[..unsigned.LastIndexOf('.')];
        var token = input + "." + Base64UrlEncoder.Encode(p384.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA384));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "algorithm issuer 'workloads' is not allowed to use (allowed: ES256)");
    }

    [Fact]
    public async Task AttestWorkload_AlgNone_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var signed = env.WorkloadToken(t => t.Header["alg"] = "none");
        var token = signed[..(signed.LastIndexOf('.') + 1)];

        AssertRefused(await env.AttestWorkloadAsync(token), token, "algorithm");
    }

    [Fact]
    public async Task AttestWorkload_Hs256SignedWithThePublicKey_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var header = new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = env.Workloads.Kid };
        var claims = TestIssuer.Encode(new Dictionary<string, object>
        {
            ["iss"] = env.Workloads.Issuer,
            ["sub"] = Agent,
            ["aud"] = Audience,
            ["exp"] = (env.Now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
        });
        var input = TestIssuer.Encode(header) + "." + claims;

        // The classic confusion attack: the public key, as published, used as an HMAC secret.
        var secret = Encoding.UTF8.GetBytes(env.Workloads.Key.ExportSubjectPublicKeyInfoPem());
        var token = input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));

        AssertRefused(await env.AttestWorkloadAsync(token), token, "algorithm issuer 'workloads' is not allowed to use");
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("jku")]
    [InlineData("x5c")]
    [InlineData("x5u")]
    public async Task AttestWorkload_KeyInHeader_IsRefused(string parameter)
    {
        using var env = new AttestorEnvironment();
        using var attacker = new TestIssuer(env.Workloads.Issuer);
        object value = parameter switch
        {
            "jwk" => attacker.PublicJwk,
            "x5c" => new[] { Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)) },
            _ => "https://evil.example/keys",
        };

        // Signed by the real key, so the header parameter is the only thing wrong with it.
        var token = env.WorkloadToken(t => t.Header[parameter] = value);

        AssertRefused(await env.AttestWorkloadAsync(token), token, $"carries a '{parameter}' header; keys supplied by a token are never trusted");
    }

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("JWE")]
    [InlineData("id_token+jwt")]
    public async Task AttestWorkload_TypNotAccepted_IsRefused(string typ)
    {
        using var env = new AttestorEnvironment();
        var token = env.WorkloadToken(t => t.Header["typ"] = typ);

        AssertRefused(await env.AttestWorkloadAsync(token), token, "has a JOSE 'typ' issuer 'workloads' does not accept (accepted: JWT)");
    }

    [Fact]
    public async Task AttestWorkload_TypInOtherCase_IsAccepted()
    {
        using var env = new AttestorEnvironment();

        var result = await env.AttestWorkloadAsync(env.WorkloadToken(t => t.Header["typ"] = "jwt"));

        Assert.Equal(Agent, result.Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_MissingTypWhenAllowed_IsAccepted()
    {
        using var env = new AttestorEnvironment();

        var result = await env.AttestWorkloadAsync(env.WorkloadToken(t => t.Header.Remove("typ")));

        Assert.Equal(Agent, result.Identity?.SpiffeId);
    }

    [Fact]
    public async Task AttestWorkload_MissingTypWhenNotAllowed_IsRefused()
    {
        using var env = new AttestorEnvironment();
        var attestor = env.Attestor(o => o with { AllowMissingType = false });
        var token = env.WorkloadToken(t => t.Header.Remove("typ"));

        var result = await attestor.AttestWorkloadAsync(token, Parameter, CancellationToken.None);

        AssertRefused(result, token, "has a JOSE 'typ' issuer 'workloads' does not accept");
    }

    [Fact]
    public async Task AttestSubjectAsync_ToldApartByTheIssuersKind()
    {
        using var env = new AttestorEnvironment();
        var attestor = env.Attestor();
        using var stranger = new TestIssuer("https://evil.example");

        var workload = await attestor.AttestSubjectAsync(env.WorkloadToken(), "subject_token", CancellationToken.None);
        var user = await attestor.AttestSubjectAsync(env.UserToken(), "subject_token", CancellationToken.None);
        var unknown = await attestor.AttestSubjectAsync(stranger.Token(Agent, Audience, env.Now), "subject_token", CancellationToken.None);
        var garbage = await attestor.AttestSubjectAsync("not a token", "subject_token", CancellationToken.None);

        Assert.NotNull(workload.Workload?.Identity);
        Assert.NotNull(user.User?.Identity);
        Assert.Contains("not trusted", unknown.User!.Failure, StringComparison.Ordinal);
        Assert.Contains("not a well-formed", garbage.User!.Failure, StringComparison.Ordinal);
    }
}
