using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Attestation;

/// <summary>
/// A Kubernetes API server's service-account signer as tests need it: an RS256 key with a kid, its public
/// JWKS, and projected service-account tokens shaped like the TokenRequest API's.
/// </summary>
internal sealed class ClusterIssuer : IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    private readonly RSA _key = RSA.Create(2048);
    private readonly JsonWebTokenHandler _handler = new();

    public string Kid { get; } = "k8s-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The public key as a JWKS document, as the API server publishes it at /openid/v1/jwks.</summary>
    public string Jwks
    {
        get
        {
            var p = _key.ExportParameters(includePrivateParameters: false);
            var jwk = new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["alg"] = "RS256",
                ["use"] = "sig",
                ["kid"] = Kid,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
            return JsonSerializer.Serialize(new { keys = new[] { jwk } });
        }
    }

    /// <summary>A pod-bound token for service account <paramref name="sa"/> in <paramref name="ns"/>, then <paramref name="edit"/>.</summary>
    public string Token(string ns, string sa, string audience, DateTimeOffset now, Action<Dictionary<string, object>>? edit = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = $"system:serviceaccount:{ns}:{sa}",
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds(),
            ["kubernetes.io"] = new Dictionary<string, object>
            {
                ["namespace"] = ns,
                ["serviceaccount"] = new Dictionary<string, object> { ["name"] = sa, ["uid"] = "5b1f6a53-sa" },
                ["pod"] = new Dictionary<string, object> { ["name"] = sa + "-7d9f8", ["uid"] = "a3c2e1f0-pod" },
            },
        };
        edit?.Invoke(claims);
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = Kid }, SecurityAlgorithms.RsaSha256),
        };
        _handler.SetDefaultTimesOnTokenCreation = false;
        return _handler.CreateToken(descriptor);
    }

    public void Dispose() => _key.Dispose();
}
