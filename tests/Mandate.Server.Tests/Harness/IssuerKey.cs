using System.Security.Cryptography;
using System.Text.Json;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// A development issuer's signing key, read from the files Mandate generated in the data folder, so
/// tests can sign tokens that differ from a valid one in exactly one way.
/// </summary>
internal sealed class IssuerKey : IDisposable
{
    private IssuerKey(string issuer, ECDsa key, string kid, string jwksJson)
    {
        Issuer = issuer;
        Key = key;
        Kid = kid;
        JwksJson = jwksJson;
    }

    /// <summary>The issuer's <c>iss</c>.</summary>
    public string Issuer { get; }

    public ECDsa Key { get; }

    public string Kid { get; }

    /// <summary>The issuer's published JWKS, i.e. its public key bytes.</summary>
    public string JwksJson { get; }

    public static IssuerKey Load(string issuer, string dataDirectory, string name, string jwksFile)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(dataDirectory, "dev-issuers", name + ".key.pem")));
        var jwks = File.ReadAllText(jwksFile);
        using var doc = JsonDocument.Parse(jwks);
        var kid = doc.RootElement.GetProperty("keys")[0].GetProperty("kid").GetString()!;
        return new IssuerKey(issuer, key, kid, jwks);
    }

    /// <summary>A key nobody trusts, for forged and self-vouching tokens.</summary>
    public static IssuerKey Attacker(string issuer) =>
        new(issuer, ECDsa.Create(ECCurve.NamedCurves.nistP256), "attacker-key", "{\"keys\":[]}");

    /// <summary>Signs <paramref name="claims"/> with ES256 under this key's kid; <paramref name="header"/> may add or override members.</summary>
    public string Sign(IReadOnlyDictionary<string, object> claims, IReadOnlyDictionary<string, object>? header = null)
    {
        var h = new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = Kid };
        foreach (var (name, value) in header ?? new Dictionary<string, object>())
        {
            h[name] = value;
        }

        return RawJwt.Encode(h, claims, RawJwt.Es256(Key));
    }

    public void Dispose() => Key.Dispose();
}
