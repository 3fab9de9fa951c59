using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>Reads a <c>Content-Encoding</c> field (RFC 9110 §8.4): which bytes are not the representation itself.</summary>
public static class ContentCoding
{
    /// <summary>
    /// The refusal of a compressed request body (415, <see cref="FormChecks.UnsupportedContentEncoding"/>), or null.
    /// Bodies are read as they arrive, never decompressed: a compressed one would be misread as text.
    /// </summary>
    public static OAuthError? RefuseCompressedBody(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!AnyBesidesIdentity(request.Headers.ContentEncoding))
        {
            return null;
        }

        // RFC 7694 §3: the 415 names the content codings the server accepts.
        request.HttpContext.Response.Headers.AcceptEncoding = "identity";
        return FormChecks.UnsupportedContentEncoding.Refuse("the body must not be compressed: send it without Content-Encoding");
    }

    /// <summary>True when any listed coding is other than <c>identity</c>, in any of the field's lines.</summary>
    public static bool AnyBesidesIdentity(IEnumerable<string?> fieldValues)
    {
        ArgumentNullException.ThrowIfNull(fieldValues);
        foreach (var value in fieldValues)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
