using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using Mandate.Core.Evidence;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>Writes OAuth JSON responses. Status codes are chosen here and only here; so is the text of every OAuth error.</summary>
public static class OAuthResponses
{
    // Error descriptions are read by people; JSON escaping of quotes as \u0027 only gets in their way (no HTML context here).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The HTTP status of an OAuth error, chosen here and only here. The checks of the request itself and of the
    /// evidence endpoint's bearer authentication have their own status (415, 413, 408, 405; RFC 6750 §3.1 401 and
    /// 403); otherwise RFC 6749 §5.2: 401 for invalid_client, 503 when the broker cannot record, 400 for the rest.
    /// </summary>
    public static int StatusFor(OAuthError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return StatusForCheck(error.CheckId) ?? error.Error switch
        {
            OAuthConstants.Errors.InvalidClient => StatusCodes.Status401Unauthorized,
            OAuthConstants.Errors.TemporarilyUnavailable => StatusCodes.Status503ServiceUnavailable,
            OAuthConstants.Errors.ServerError => StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status400BadRequest,
        };
    }

    private static readonly FrozenDictionary<string, int> CheckStatus = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [FormChecks.UnsupportedMediaType.Id] = StatusCodes.Status415UnsupportedMediaType,
        [FormChecks.UnsupportedCharset.Id] = StatusCodes.Status415UnsupportedMediaType,
        [FormChecks.UnsupportedContentEncoding.Id] = StatusCodes.Status415UnsupportedMediaType,
        [FormChecks.BodyTooLarge.Id] = StatusCodes.Status413PayloadTooLarge,
        [FormChecks.BodyTimeout.Id] = StatusCodes.Status408RequestTimeout,
        [FormChecks.MethodNotAllowed.Id] = StatusCodes.Status405MethodNotAllowed,
        [EvidenceChecks.TokenMissing.Id] = StatusCodes.Status401Unauthorized,
        [EvidenceChecks.TokenInvalid.Id] = StatusCodes.Status401Unauthorized,
        // RFC 6750 §3.1: a valid-looking caller without the right to do this is 403.
        [EvidenceChecks.IssuerNotTrusted.Id] = StatusCodes.Status403Forbidden,
        [EvidenceChecks.SubjectNotAllowed.Id] = StatusCodes.Status403Forbidden,
        [EvidenceChecks.SubjectClaimMissing.Id] = StatusCodes.Status403Forbidden,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static int? StatusForCheck(string? checkId) => checkId is not null && CheckStatus.TryGetValue(checkId, out var status) ? status : null;

    // RFC 9110 §5.6.2 token characters: what an authentication scheme may be made of.
    private static readonly SearchValues<char> TokenChars = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// Writes <paramref name="error"/> as RFC 6749 §5.2 JSON with its <c>check_id</c>. <paramref name="status"/> is
    /// for callers that have not moved to a check yet; without it the status is <see cref="StatusFor"/>. A 401 or 403
    /// carries <paramref name="challenge"/> as its <c>WWW-Authenticate</c>, by default <see cref="BearerChallenge"/>.
    /// </summary>
    public static Task WriteErrorAsync(HttpContext http, OAuthError error, int? status = null, string? challenge = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(error);
        var code = status ?? StatusFor(error);
        Telemetry.MandateSpan.Refuse(http, error.Error, error.CheckId);
        // RFC 6750 §3: an answer to a token that does not give access, 403 insufficient_scope too, carries a challenge.
        if (code is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            http.Response.Headers.WWWAuthenticate = challenge ?? BearerChallenge(error);
        }

        if (code == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = StoreOutages.RetryAfterSeconds;
        }

        if (UnreadBodyMayRemain(http.Request))
        {
            // Kestrel cannot drain a body over its limit after a refusal and drops the connection; RFC 9112 §9.6:
            // say so, or a keep-alive client sends its next request into a connection that is closing.
            http.Response.Headers.Connection = "close";
        }

        return WriteJsonAsync(http, code, w =>
        {
            // RFC 6749 §5.2: both within %x20-21 / %x23-5B / %x5D-7E, whatever the description was built from.
            w.WriteString("error", OAuthErrorText.Sanitize(error.Error));
            w.WriteString("error_description", OAuthErrorText.Sanitize(error.Description));
            if (error.CheckId is { Length: > 0 } checkId)
            {
                // The stable id clients and the proxy switch on; the same character rule as the other members.
                w.WriteString("check_id", OAuthErrorText.Sanitize(checkId));
            }

            foreach (var (name, value) in error.Extra ?? new Dictionary<string, object>())
            {
                if (value is int number)
                {
                    w.WriteNumber(name, number);
                }
                else
                {
                    w.WriteString(name, value.ToString());
                }
            }
        });
    }

    /// <summary>RFC 6750 §3: how to authenticate, with a bearer token.</summary>
    public static string BearerChallenge(OAuthError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return $"Bearer error=\"{OAuthErrorText.Sanitize(error.Error)}\"";
    }

    /// <summary>A challenge in <paramref name="scheme"/>, the one a client used (RFC 6749 §5.2), for Mandate's realm.</summary>
    public static string RealmChallenge(string scheme) => $"{scheme} realm=\"mandate\"";

    /// <summary>
    /// The scheme of the request's Authorization header, when it is an RFC 9110 token; null otherwise. RFC 6749 §5.2
    /// answers a client that authenticated by that header with a challenge in the same scheme.
    /// </summary>
    public static string? ClientScheme(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        var end = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = (end < 0 ? header : header[..end]).Trim();
        return scheme.Length is > 0 and <= 32 && !scheme.AsSpan().ContainsAnyExcept(TokenChars) ? scheme : null;
    }

    private static bool UnreadBodyMayRemain(HttpRequest request) =>
        request.ContentLength > FormReader.MaxBodyBytes || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>Writes a JSON object with no-store caching (RFC 6749 §5.1: token responses must not be cached).</summary>
    public static async Task WriteJsonAsync(HttpContext http, int status, Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        // Straight into the response pipe's pooled memory: no intermediate buffer to grow and copy per response.
        var pipe = http.Response.BodyWriter;
        await using (var writer = new Utf8JsonWriter(pipe, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        await pipe.FlushAsync(http.RequestAborted);
    }
}
