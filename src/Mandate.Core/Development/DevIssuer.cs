using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Development;

/// <summary>
/// A local stand-in for an identity provider, for development and the demo only: an ES256 key pair in
/// the data folder (private key 0600) whose public half is the issuer's configured JWKS file. Refused in
/// prod by configuration validation. Real deployments point issuers at SPIRE, Kubernetes or their IdP.
/// </summary>
public sealed class DevIssuer : IDisposable
{
    private readonly ECDsa _key;
    private readonly string _kid;

    private DevIssuer(TrustedIssuerOptions options, ECDsa key, string kid)
    {
        Options = options;
        _key = key;
        _kid = kid;
    }

    public TrustedIssuerOptions Options { get; }

    /// <summary>Creates the key pair and JWKS file on first use; loads them afterwards.</summary>
    public static DevIssuer Ensure(TrustedIssuerOptions issuer, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!issuer.DevSigner || issuer.JwksFile is null)
        {
            throw new MandateConfigException($"issuer '{issuer.Name}' is not a dev_signer with a jwks_file");
        }

        var keyPath = Path.Combine(dataDirectory, "dev-issuers", issuer.Name + ".key.pem");
        var key = ECDsa.Create();
        if (File.Exists(keyPath))
        {
            try
            {
                key.ImportFromPem(File.ReadAllText(keyPath));
            }
            catch (ArgumentException e)
            {
                throw Damaged(issuer, keyPath, e);
            }
            catch (CryptographicException e)
            {
                throw Damaged(issuer, keyPath, e);
            }
        }
        else
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            PrivateFile.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        }

        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        var kid = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = "sig", alg = "ES256" } } });
        if (!File.Exists(issuer.JwksFile) || File.ReadAllText(issuer.JwksFile) != jwks)
        {
            PrivateFile.CreateDirectory(Path.GetDirectoryName(issuer.JwksFile)!);
            File.WriteAllText(issuer.JwksFile, jwks);
        }

        return new DevIssuer(issuer, key, kid);
    }

    /// <summary>Signs a token for this issuer with <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>exp</c> and <c>jti</c> set, plus <paramref name="claims"/>.</summary>
    public string CreateToken(string subject, string audience, TimeSpan lifetime, IReadOnlyDictionary<string, object>? claims, DateTimeOffset now)
    {
        var payload = new Dictionary<string, object>(claims ?? new Dictionary<string, object>())
        {
            ["iss"] = Options.Issuer,
            ["sub"] = subject,
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
            ["jti"] = Protocol.Ids.New("dev"),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = payload,
            TokenType = "JWT",
            // Not from the process-wide signer cache, keyed by kid: the same key file opened again after a Dispose
            // (tests, a host that signs in-process twice) would get a signer over the disposed key.
            SigningCredentials = new SigningCredentials(
                new ECDsaSecurityKey(_key) { KeyId = _kid, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } },
                SecurityAlgorithms.EcdsaSha256),
        });
    }

    public void Dispose() => _key.Dispose();

    private static MandateConfigException Damaged(TrustedIssuerOptions issuer, string keyPath, Exception e) =>
        new($"development issuer '{issuer.Name}': its key file {keyPath} holds no EC private key in PEM ({e.Message}); delete the file and a new key is made at the next start (tokens signed with the old one stop verifying)");
}
