using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Bench.Attest;

/// <summary>
/// The identity work of one exchange: the agent's workload token and the user's token, each parsed, held to the
/// incoming-JWT rules, verified (ES256) and mapped to a principal, as the token endpoint does with the identity cache
/// off. The baseline is what the bare endpoint does with the same two tokens: IdentityModel's validation alone. The
/// difference is what attestation costs beyond the signature checks both must make.
/// </summary>
[MemoryDiagnoser]
public class AttestationBenchmarks
{
    private const string Audience = "http://127.0.0.1:8080";
    private const string WorkloadIssuer = "https://spire.acme.example";
    private const string UserIssuer = "https://idp.acme.example";

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private string _actorToken = "";
    private string _userToken = "";
    private JwtAttestor _attestor = null!;
    private TokenValidationParameters _bareWorkload = null!;
    private TokenValidationParameters _bareUser = null!;
    private string _folder = "";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("mandate-bench-attest").FullName;
        var (workloadKey, workloadJwks) = Issuer("workloads");
        var (userKey, userJwks) = Issuer("acme-idp");
        _actorToken = Sign(workloadKey, WorkloadIssuer, new() { ["sub"] = "spiffe://acme.example/agents/support" });
        _userToken = Sign(userKey, UserIssuer, new() { ["sub"] = "alice", ["tenant"] = "acme" });

        var workload = new TrustedIssuerOptions { Name = "workloads", Kind = IssuerKind.Workload, Issuer = WorkloadIssuer, JwksFile = workloadJwks };
        var user = new TrustedIssuerOptions { Name = "acme-idp", Kind = IssuerKind.User, Issuer = UserIssuer, JwksFile = userJwks };
        _attestor = new JwtAttestor(
            [new TrustedIssuer(workload, new FileJwksSource(workloadJwks), Audience) { DefaultTrustDomain = "acme.example" },
             new TrustedIssuer(user, new FileJwksSource(userJwks), Audience)],
            TimeProvider.System);
        _bareWorkload = Bare(WorkloadIssuer, workloadJwks);
        _bareUser = Bare(UserIssuer, userJwks);

        if (!Attest().GetAwaiter().GetResult() || !Bare().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("the benchmark's tokens do not validate");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    /// <summary>IdentityModel's validation of both tokens from their text, as the bare endpoint makes it.</summary>
    [Benchmark(Baseline = true)]
    public async Task<bool> Bare()
    {
        var actor = await _handler.ValidateTokenAsync(_actorToken, _bareWorkload);
        var subject = await _handler.ValidateTokenAsync(_userToken, _bareUser);
        return actor.IsValid && subject.IsValid;
    }

    /// <summary>Both tokens attested as the token endpoint attests them.</summary>
    [Benchmark]
    public async Task<bool> Attest()
    {
        var actor = await _attestor.AttestWorkloadAsync(_actorToken, "actor_token", CancellationToken.None);
        var (_, user) = await _attestor.AttestSubjectAsync(_userToken, "subject_token", CancellationToken.None);
        return actor.Identity is not null && user?.Identity is not null;
    }

    private (ECDsaSecurityKey Key, string JwksFile) Issuer(string name)
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = name + "-1" };
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key);
        var file = Path.Combine(_folder, name + ".jwks.json");
        File.WriteAllText(file, $$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"{{jwk.Kid}}","x":"{{jwk.X}}","y":"{{jwk.Y}}","use":"sig","alg":"ES256"}]}""");
        return (key, file);
    }

    private string Sign(ECDsaSecurityKey key, string issuer, Dictionary<string, object> claims)
    {
        claims["jti"] = Guid.NewGuid().ToString("N");
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = DateTime.UtcNow,
            NotBefore = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddHours(2),
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static TokenValidationParameters Bare(string issuer, string jwksFile) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = Audience,
        IssuerSigningKeys = new JsonWebKeySet(File.ReadAllText(jwksFile)).Keys,
        RequireSignedTokens = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = false,
    };
}
