using System.Text.Json;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>Writes RFC 6750 §3 refusals: status, <c>WWW-Authenticate</c> and a small JSON body. Never the credential.</summary>
internal static class MandateChallenge
{
    public static async Task WriteAsync(HttpContext http, MandateTokenOptions options, int status, string? error, string description, string? scope = null)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        var response = http.Response;
        response.StatusCode = status;
        scope = AppendChallenges(response, options, status, error, description, scope);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        if (error is not null)
        {
            writer.WriteString("error", Quote(error));
        }

        writer.WriteString("error_description", Quote(description));
        if (scope is not null)
        {
            writer.WriteString("scope", scope);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }

    /// <summary>
    /// The RFC 6750 §3 <c>WWW-Authenticate</c> challenges (Bearer and DPoP) with <c>resource_metadata</c> when published;
    /// returns the scope they name (the given one, or the 401 guidance).
    /// </summary>
    public static string? AppendChallenges(HttpResponse response, MandateTokenOptions options, int status, string? error, string description, string? scope)
    {
        var leading = new List<KeyValuePair<string, string>> { new("realm", options.Audience) };
        if (ProtectedResourceMetadata.ChallengeUri(options) is { } metadata)
        {
            // RFC 9728 §5.1: where a client without the right credential learns which broker to ask and for what.
            leading.Add(new("resource_metadata", metadata.ToString()));
        }

        // MCP scope selection: a 401 may name the scopes to ask for first; a 403 names all the refused call needs.
        scope ??= status == StatusCodes.Status401Unauthorized && options.ResourceMetadata?.ChallengeScopes is { Count: > 0 } guidance
            ? string.Join(' ', guidance)
            : null;
        // temporarily_unavailable is no RFC 6750 §3.1 error code: the challenge stays bare and the body says it.
        var shown = error is MandateTokenFailure.TemporarilyUnavailable ? null : error;
        // RFC 9449 §7.1: offer DPoP beside Bearer, with the algorithms a proof may use; a proof error belongs to the DPoP challenge only.
        foreach (var challenge in AuthenticateChallenges.Build(leading, options.DpopAlgorithms, scope, shown, description))
        {
            response.Headers.Append("WWW-Authenticate", challenge);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = "5";
        }

        return scope;
    }

    /// <summary>RFC 6750 §3: quoted values (error_description, scope, realm) stay within %x20-21 / %x23-5B / %x5D-7E.</summary>
    private static string Quote(string value) => OAuthErrorText.Sanitize(value);
}
