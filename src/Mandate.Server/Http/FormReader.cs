using System.Buffers;
using System.Text;
using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Mandate.Server.Http;

/// <summary>
/// Strict application/x-www-form-urlencoded parsing for the OAuth endpoints: bounded size, UTF-8 only
/// (invalid sequences are refused, not replaced), no repeated parameters (RFC 6749 §3.2), empty values
/// treated as absent (RFC 6749 §3.1).
/// </summary>
public static class FormReader
{
    /// <summary>Largest accepted body, in bytes. Tokens are at most 16 KiB each; three fit with room to spare.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>RFC 6750 §2.2 and §2.3: where a bearer token travels in a body or a query instead of the Authorization header.</summary>
    public const string BearerTokenParameter = "access_token";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What <see cref="char.IsControl(char)"/> calls a control character (C0, DEL, C1), but tab and line breaks.</summary>
    private static readonly SearchValues<char> RefusedControls = SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')).ToArray());

    /// <summary>The parameters Mandate defines; only these may be named back to a caller.</summary>
    private static readonly HashSet<string> KnownParameters = new(
        typeof(OAuthConstants.Parameters).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!),
        StringComparer.Ordinal);

    /// <param name="request">The request whose body is read.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <param name="repeated">
    /// The endpoint's own refusal of a parameter that appears more than once, or null for the RFC 6749 §3.2 one
    /// (the token endpoint answers several targets as RFC 8707 does).
    /// </param>
    public static async Task<(Dictionary<string, string>? Form, OAuthError? Error, int Status)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken, Func<string, OAuthError?>? repeated = null)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, FormChecks.UnsupportedMediaType.Refuse("the body must be application/x-www-form-urlencoded"), StatusCodes.Status415UnsupportedMediaType);
        }

        // A quoted value is the same value (RFC 9110 §5.6.6): charset="UTF-8" is UTF-8. A second charset is no
        // charset at all: which one the client meant cannot be told, and another reader may take the other.
        if (mediaType.Charset.HasValue
            && (!HeaderUtilities.RemoveQuotes(mediaType.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                || mediaType.Parameters.Count(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) > 1))
        {
            return (null, FormChecks.UnsupportedCharset.Refuse("only charset=utf-8 is accepted, given once"), StatusCodes.Status415UnsupportedMediaType);
        }

        // RFC 9110 §8.4: a body with a content coding is not the form itself.
        if (ContentCoding.RefuseCompressedBody(request) is { } compressed)
        {
            return (null, compressed, StatusCodes.Status415UnsupportedMediaType);
        }

        byte[]? body;
        try
        {
            body = await ClientRequestBody.ReadBoundedAsync(request, MaxBodyBytes, cancellationToken);
        }
        catch (BadHttpRequestException e) when (ClientRequestBody.ClientStatus(e) is { } status)
        {
            // Kestrel (or ClientRequestBodyStream) refuses a body it cannot accept while we read it (broken chunk
            // framing, a stalled upload): the client's fault, never a 500.
            return (null, ClientRequestBody.Refusal(status), status);
        }

        if (body is null)
        {
            return (null, TooLarge(), StatusCodes.Status413PayloadTooLarge);
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in body.AsSpan().Split((byte)'&'))
        {
            var bytes = body.AsSpan(pair);
            var eq = bytes.IndexOf((byte)'=');
            var name = Decode(eq < 0 ? bytes : bytes[..eq]);
            var value = eq < 0 ? "" : Decode(bytes[(eq + 1)..]);
            if (name is null || value is null)
            {
                return (null, FormChecks.MalformedBody.Refuse("a parameter is not form-encoded UTF-8 text: a broken %-escape, bytes that are not UTF-8, or a control character other than tab and line breaks"), StatusCodes.Status400BadRequest);
            }

            // RFC 6749 §3.1: parameters sent without a value are treated as if omitted, so they repeat nothing either.
            if (name.Length == 0 || value.Length == 0)
            {
                continue;
            }

            if (!seen.Add(name))
            {
                // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
                return (null, repeated?.Invoke(name) ?? FormChecks.DuplicateParameter.Refuse(RepeatedParameter(name)), StatusCodes.Status400BadRequest);
            }

            form[name] = value;
        }

        return (form, null, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Refuses an OAuth parameter (or RFC 6750's <c>access_token</c>) sent in the URL's query: RFC 6749 §3.2 puts a
    /// request's parameters in the body, the body alone is read, and a URL is written to logs on its way, so a token
    /// there is exposed. Without this, one in the query was ignored while the same request's body was used.
    /// </summary>
    public static OAuthError? ParameterInQuery(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.QueryString.HasValue)
        {
            return null;
        }

        foreach (var (name, values) in request.Query)
        {
            // RFC 6749 §3.2: a parameter sent without a value is treated as omitted, and an empty one exposes nothing.
            if ((KnownParameters.Contains(name) || name == BearerTokenParameter) && values.Any(v => !string.IsNullOrEmpty(v)))
            {
                return FormChecks.ParameterInQuery.Refuse($"{name} was sent in the URL's query, which is never read: OAuth parameters go in the " +
                    "application/x-www-form-urlencoded body (RFC 6749 section 3.2); a URL is written to logs on its way, so replace any token or secret it held");
            }
        }

        return null;
    }

    private static OAuthError TooLarge() => FormChecks.BodyTooLarge.Refuse($"the body exceeds {MaxBodyBytes} bytes");

    private static string? Decode(ReadOnlySpan<byte> encoded)
    {
        // Tokens are base64url: most values have nothing to unescape and are read where they are.
        if (!encoded.ContainsAny((byte)'+', (byte)'%'))
        {
            return Text(encoded);
        }

        var bytes = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            var n = 0;
            for (var i = 0; i < encoded.Length; i++)
            {
                var b = encoded[i];
                if (b == '+')
                {
                    bytes[n++] = (byte)' ';
                }
                else if (b == '%')
                {
                    if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                    {
                        return null;
                    }

                    bytes[n++] = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                    i += 2;
                }
                else
                {
                    bytes[n++] = b;
                }
            }

            return Text(bytes.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Strict UTF-8 with no control characters but tab and line breaks; null otherwise.</summary>
    private static string? Text(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var text = StrictUtf8.GetString(utf8);
            if (text.AsSpan().ContainsAny(RefusedControls))
            {
                return null;
            }

            return text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>Names the repeated parameter only when it is one Mandate defines: a caller's own text is never echoed.</summary>
    private static string RepeatedParameter(string name) => KnownParameters.Contains(name)
        ? $"parameter '{name}' appears more than once; OAuth parameters must not repeat (RFC 6749 section 3.2)"
        : "a parameter appears more than once; OAuth parameters must not repeat (RFC 6749 section 3.2)";
}
