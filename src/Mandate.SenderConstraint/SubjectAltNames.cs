using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mandate.SenderConstraint;

/// <summary>Reads the URI names of a certificate's subjectAltName, as the SPIFFE ID of an X.509-SVID is read by broker and tools alike.</summary>
public static class SubjectAltNames
{
    private const string SanOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>
    /// The uniformResourceIdentifier ([6] IA5String) entries of the SAN extension (RFC 5280 §4.2.1.6), as written: SPIFFE
    /// IDs are compared as strings. Empty without the extension; <paramref name="error"/> says when it is not valid DER.
    /// </summary>
    public static List<string> ReadUris(X509Certificate2 certificate, out string? error)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        error = null;
        var uris = new List<string>();
        var extension = certificate.Extensions[SanOid];
        if (extension is null)
        {
            return uris;
        }

        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (names.HasData)
            {
                if (names.PeekTag().HasSameClassAndValue(UriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            error = "the client certificate's subjectAltName extension is not valid DER";
        }

        return uris;
    }
}
