using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mandate.Fuzz.Generation;

/// <summary>
/// PKCS#10 requests: valid ones over P-256/P-384 (accepted) and RSA/P-521 (refused), with odd names and
/// extensions, then damaged at the DER level (lengths, tags, truncation) or as text (PEM, base64).
/// </summary>
internal sealed class CsrSeeds : IDisposable
{
    private readonly List<AsymmetricAlgorithm> _keys = [];

    public CsrSeeds()
    {
        Valid =
        [
            Build(ECDsa.Create(ECCurve.NamedCurves.nistP256), "CN=agent", extensions: false),
            Build(ECDsa.Create(ECCurve.NamedCurves.nistP384), "CN=x, O=acme, OU=agents", extensions: true),
            Build(ECDsa.Create(ECCurve.NamedCurves.nistP521), "CN=p521", extensions: false),
            Build(RSA.Create(2048), "CN=rsa", extensions: true),
        ];
    }

    public IReadOnlyList<byte[]> Valid { get; }

    /// <summary>DER bytes for one case.</summary>
    public byte[] Next(Random random)
    {
        var seed = Mutations.Pick(random, Valid);
        switch (random.Next(8))
        {
            case 0:
                return seed;
            case 1 or 2:
                return Mutations.MutateBytes(random, seed, 3);
            case 3:
                // A length byte made long-form and huge: the classic ASN.1 reader overflow.
                var copy = (byte[])seed.Clone();
                var at = random.Next(copy.Length - 1);
                var bytes = copy.ToList();
                bytes[at + 1] = 0x84;
                bytes.InsertRange(at + 2, [0xFF, 0xFF, 0xFF, (byte)random.Next(256)]);
                return [.. bytes];
            case 4:
                return seed[..random.Next(seed.Length)];
            case 5:
                // Nested SEQUENCEs far deeper than any request.
                var depth = random.Next(10, 3_000);
                var nested = new List<byte>();
                for (var i = 0; i < depth; i++)
                {
                    nested.Add(0x30);
                    nested.Add(0x80);
                }

                nested.AddRange(Enumerable.Repeat((byte)0, depth * 2));
                return [.. nested];
            case 6:
                var tampered = (byte[])seed.Clone();
                tampered[random.Next(tampered.Length)] = Mutations.Pick(random, Tags);
                return tampered;
            default:
                return Mutations.RandomBytes(random, 300);
        }
    }

    /// <summary>The text a client sends in mandate_csr: base64url, padded base64 or PEM, sometimes damaged.</summary>
    public string NextText(Random random)
    {
        var der = Next(random);
        var text = random.Next(3) switch
        {
            0 => Convert.ToBase64String(der),
            1 => PemEncoding.WriteString(random.Next(6) == 0 ? "CERTIFICATE" : "CERTIFICATE REQUEST", der),
            _ => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(der),
        };
        return random.Next(5) == 0 ? Mutations.MutateText(random, text, 2) : text;
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private static readonly byte[] Tags = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x17, 0x1F, 0x30, 0x31, 0xA0, 0xA3, 0xFF];

    private byte[] Build(AsymmetricAlgorithm key, string subject, bool extensions)
    {
        _keys.Add(key);
        var request = key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("unsupported key", nameof(key)),
        };
        if (extensions)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddUri(new Uri("spiffe://evil.example/agents/root"));
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        }

        return request.CreateSigningRequest();
    }
}
