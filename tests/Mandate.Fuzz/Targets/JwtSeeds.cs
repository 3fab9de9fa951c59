using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// Valid identity tokens of each kind the broker trusts (JWT-SVID, user, Kubernetes service account,
/// GitHub Actions), with the keys that sign them and issuers configured to trust those keys.
/// </summary>
internal sealed class JwtSeeds : IDisposable
{
    public const string Audience = "http://127.0.0.1:8080";
    public const string TrustDomain = "acme.example";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public JwtSeeds(DateTimeOffset now)
    {
        var iat = now.ToUnixTimeSeconds();
        var exp = iat + 600;
        Seeds =
        [
            ("https://spire.acme.example", new Dictionary<string, object> { ["sub"] = "spiffe://acme.example/agents/support" }),
            ("https://idp.acme.example", new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["tier"] = "gold", ["groups"] = new[] { "support", "eu" } }),
            ("https://k8s.acme.example", new Dictionary<string, object>
            {
                ["sub"] = "system:serviceaccount:agents:support",
                ["kubernetes.io"] = new Dictionary<string, object>
                {
                    ["namespace"] = "agents",
                    ["serviceaccount"] = new Dictionary<string, object> { ["name"] = "support", ["uid"] = "6f1c" },
                    ["pod"] = new Dictionary<string, object> { ["name"] = "support-0", ["uid"] = "77aa" },
                },
            }),
            ("https://token.actions.githubusercontent.com", new Dictionary<string, object>
            {
                ["sub"] = "repo:acme/agents:ref:refs/heads/main", ["repository"] = "acme/agents", ["ref"] = "refs/heads/main", ["workflow"] = "ci",
            }),
        ];
        foreach (var (issuer, claims) in Seeds)
        {
            claims["iss"] = issuer;
            claims["aud"] = Audience;
            claims["iat"] = iat;
            claims["exp"] = exp;
            claims["jti"] = "seed-" + issuer.Length;
        }

        var keys = new StaticKeys(new ECDsaSecurityKey(_key) { KeyId = "k1" });
        Issuers =
        [
            Trusted("workloads", IssuerKind.Workload, "https://spire.acme.example", keys, null, null),
            Trusted("acme-idp", IssuerKind.User, "https://idp.acme.example", keys, null, null),
            Trusted("k8s", IssuerKind.Workload, "https://k8s.acme.example", keys, IssuerProfile.Kubernetes, null),
            Trusted("github", IssuerKind.Workload, "https://token.actions.githubusercontent.com", keys, IssuerProfile.GitHubActions, "spiffe://acme.example/ci/{repository}/{ref}"),
        ];
    }

    public const string Header = """{"alg":"ES256","typ":"JWT","kid":"k1"}""";

    public IReadOnlyList<(string Issuer, Dictionary<string, object> Claims)> Seeds { get; }

    public IReadOnlyList<TrustedIssuer> Issuers { get; }

    public Func<byte[], byte[]> Sign => data => _key.SignData(data, HashAlgorithmName.SHA256);

    public string PayloadJson(int index) => JsonSerializer.Serialize(Seeds[index].Claims);

    public void Dispose() => _key.Dispose();

    private static TrustedIssuer Trusted(string name, IssuerKind kind, string issuer, IJwksSource keys, IssuerProfile? profile, string? template) =>
        new(new TrustedIssuerOptions
        {
            Name = name,
            Kind = kind,
            Issuer = issuer,
            JwksFile = "unused.jwks.json",
            Profile = profile,
            SpiffeIdTemplate = template,
            TrustDomain = profile is null ? null : TrustDomain,
            Tenants = kind == IssuerKind.User ? ["acme", "globex"] : [],
        }, keys, Audience)
        {
            DefaultTrustDomain = TrustDomain,
        };

    /// <summary>Keys held in memory: the fuzz never reads a JWKS file.</summary>
    private sealed class StaticKeys(SecurityKey key) : IJwksSource
    {
        public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<SecurityKey>>([key]);
    }
}
