using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mandate.Core.Spiffe;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Tests.Spiffe;

/// <summary>
/// What Mandate's SPIFFE CA publishes and signs, read against the SPIFFE Trust Domain and Bundle, X509-SVID and
/// JWT-SVID specifications as a relying party would read it.
/// </summary>
public sealed class SpiffeBundleFormatTests : SpiffeAuthorityTest
{
    private const string Agent = "spiffe://acme.example/agents/support";

    private static readonly string[] JwtSvidHeaders = ["alg", "kid", "typ"];
    private static readonly string[] JwtSvidTypes = ["JWT", "JOSE"];
    private static readonly string[] BundleUses = [SpiffeBundle.X509Use, SpiffeBundle.JwtUse];
    private static readonly string[] JwtSvidAlgorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"];

    private List<JsonElement> BundleKeys()
    {
        using var doc = JsonDocument.Parse(Authority.BundleJson);
        return doc.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.Clone()).ToList();
    }

    [Fact]
    public void BundleJson_EveryKeyHasKtyAndAUseOfX509SvidOrJwtSvid()
    {
        // Bundle §4.2.1: kty MUST be set; §4.2.2: use MUST be set, x509-svid or jwt-svid (case sensitive).
        var keys = BundleKeys();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Equal("EC", k.GetProperty("kty").GetString()));
        Assert.All(keys, k => Assert.Contains(k.GetProperty("use").GetString(), BundleUses));
    }

    [Fact]
    public void BundleJson_X509SvidKeysHaveNoKidAndExactlyOneCaCertificateInX5c()
    {
        // X509-SVID §6.1: the kid parameter MUST NOT be set; x5c MUST include exactly one CA certificate.
        var x509 = BundleKeys().Where(k => k.GetProperty("use").GetString() == SpiffeBundle.X509Use).ToList();

        Assert.NotEmpty(x509);
        Assert.All(x509, k => Assert.False(k.TryGetProperty("kid", out _)));
        Assert.All(x509, k =>
        {
            using var ca = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(Assert.Single(k.GetProperty("x5c").EnumerateArray()).GetString()!));
            Assert.True(Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        });
    }

    [Fact]
    public void BundleJson_JwtSvidKeysHaveAKid()
    {
        // JWT-SVID §6.1: the kid parameter of each jwt-svid JWK entry MUST be set.
        var jwt = BundleKeys().Where(k => k.GetProperty("use").GetString() == SpiffeBundle.JwtUse).ToList();

        Assert.NotEmpty(jwt);
        Assert.All(jwt, k => Assert.False(string.IsNullOrEmpty(k.GetProperty("kid").GetString())));
    }

    [Fact]
    public async Task BundleJson_AcrossAJwtKeyRotation_SequenceChangesWheneverTheKeysChangeAndNeverDecreases()
    {
        // Bundle §4.1.1: spiffe_sequence MUST be monotonically increasing and MUST be changed whenever the contents
        // of the bundle are updated. A day and a half covers a JWT-SVID key's rotation, its retirement and its
        // removal from the bundle once the last JWT-SVID it signed has expired.
        var keys = Authority.BundleJson;
        var sequence = Sequence(keys);
        var changes = 0;
        for (var step = 0; step < 36 * 4; step++)
        {
            Env.Clock.Advance(TimeSpan.FromMinutes(15));
            await Authority.RefreshAsync(Env.Ct);

            var nextKeys = Authority.BundleJson;
            var next = Sequence(nextKeys);
            Assert.True(next >= sequence, $"spiffe_sequence went from {sequence} to {next}");
            if (KeysOf(nextKeys) != KeysOf(keys))
            {
                changes++;
                Assert.True(next > sequence, $"the bundle's keys changed at step {step} but spiffe_sequence stayed {sequence}");
            }

            (keys, sequence) = (nextKeys, next);
        }

        Assert.True(changes >= 2, "the JWT-SVID key was expected to be added and, later, removed");
    }

    [Fact]
    public void IssueJwtSvid_HeaderHoldsOnlyAlgKidAndTypAndTheClaimsSubAudExp()
    {
        var svid = new JsonWebToken(Authority.IssueJwtSvid(Agent, "https://api.acme.example", TimeSpan.FromMinutes(5)).Token);
        using var header = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(svid.EncodedHeader));

        // JWT-SVID §2: any header not described there MUST NOT be included; §2.1 alg from the list; §2.3 typ JWT or JOSE.
        Assert.All(header.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, JwtSvidHeaders));
        Assert.Contains(svid.Alg, JwtSvidAlgorithms);
        Assert.Contains(svid.Typ, JwtSvidTypes);
        // JWT-SVID §3.1-§3.3: sub is the SPIFFE ID; aud and exp MUST be set.
        Assert.Equal(Agent, svid.Subject);
        Assert.Equal(["https://api.acme.example"], svid.Audiences);
        Assert.True(svid.TryGetPayloadValue<long>("exp", out _));
    }

    [Fact]
    public void X509Svid_KeyUsageIsCriticalOnTheCaAndTheLeafAndTheCaNamesNoPath()
    {
        using var svid = Authority.IssueX509Svid(Agent, TimeSpan.FromHours(1));

        // X509-SVID §4.3: the key usage extension MUST be set on all SVIDs and MUST be marked critical.
        Assert.True(Assert.Single(Authority.CaCertificate.Extensions.OfType<X509KeyUsageExtension>()).Critical);
        Assert.True(Assert.Single(svid.Certificate.Extensions.OfType<X509KeyUsageExtension>()).Critical);
        // §3.2: a signing certificate's SPIFFE ID MUST NOT have a path component; §3.1: a leaf's has a non-root path.
        Assert.Equal("spiffe://acme.example", SpiffeCertificates.SpiffeIdOf(Authority.CaCertificate));
        Assert.Equal(Agent, SpiffeCertificates.SpiffeIdOf(svid.Certificate));
        // §3.1: the URI SAN MUST be critical if Subject is omitted; the leaf names a subject, so either is allowed.
        Assert.False(string.IsNullOrEmpty(svid.Certificate.Subject));
    }

    private static long Sequence(string bundle)
    {
        using var doc = JsonDocument.Parse(bundle);
        return doc.RootElement.GetProperty("spiffe_sequence").GetInt64();
    }

    private static string KeysOf(string bundle)
    {
        using var doc = JsonDocument.Parse(bundle);
        return doc.RootElement.GetProperty("keys").GetRawText();
    }
}
