using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Keys;

/// <summary>
/// Someone who can write the store but holds no key-encryption key plants a public key of their own and signs a
/// credential with it: the broker must treat that credential as inactive and tell the operator, since the refused row
/// is the only sign of the tampering a running broker sees.
/// </summary>
[Trait("Invariant", "5")]
public sealed class PlantedKeyTests : BrokerTest
{
    [Fact]
    public async Task Invariant5_CredentialSignedWithAKeyPlantedInTheStore_IsInactive_AndTheRowIsReportedInTheLog()
    {
        var genuine = await Broker.IssueAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(attacker));
        var kid = KeyProfiles.TokenSigning(Broker.Options).KidPrefix + Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
        await Broker.Runtime.Store.CommitAsync(new StoreBatch([new StoredKey
        {
            Kid = kid,
            Purpose = KeyPurposes.TokenSigning,
            Algorithm = "ES256",
            SealedPrivateKey = RandomNumberGenerator.GetBytes(64),
            PublicJwk = JsonSerializer.Serialize(new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid, use = "sig", alg = "ES256" }),
            CreatedAt = Broker.Now - TimeSpan.FromMinutes(1),
            Node = "node-b",
        }]), CancellationToken.None);
        var forged = Resigned(genuine, kid, attacker);

        IntrospectionReply.AssertInactive(await Broker.IntrospectAsync(forged, Broker.Svid(RefundsWorkload)));

        Assert.Contains(Broker.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Stored token-signing key " + kid, StringComparison.Ordinal));
    }

    // The genuine credential's claims under a header naming the planted kid, signed with the planted key.
    private static string Resigned(string token, string kid, ECDsa key)
    {
        var payload = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(token.Split('.')[1]))!;
        return RawJwt.Encode(new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "at+jwt", ["kid"] = kid }, payload, RawJwt.Es256(key));
    }
}
