using System.Text.Json;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy;

/// <summary>Writes a refusal as RFC 9457 Problem Details (with RFC 6750 WWW-Authenticate on 401).</summary>
internal static class ProxyProblem
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="http">The call's context.</param>
    /// <param name="refusal">What to answer.</param>
    /// <param name="headers">Sets further headers after the defaults (the MCP gateway's <c>WWW-Authenticate</c> with <c>resource_metadata</c>, <c>Allow</c>).</param>
    public static async Task WriteAsync(HttpContext http, ProxyRefusal refusal, Action<IHeaderDictionary>? headers = null)
    {
        Telemetry.MandateSpan.Refuse(http, refusal.Error, refusal.CheckId);
        var response = http.Response;
        response.Clear();
        response.StatusCode = refusal.Status;
        response.ContentType = "application/problem+json";
        response.Headers.CacheControl = "no-store";
        if (refusal.DpopAlgorithms is { } algorithms && refusal.ChallengesCredential)
        {
            // RFC 9449 §7.1: a DPoP credential's refusal is a DPoP challenge naming the proof algorithms.
            response.Headers.WWWAuthenticate = new([.. AuthenticateChallenges.Build([], algorithms, null, refusal.Error ?? "invalid_token", null)]);
        }
        else if (refusal.ChallengesCredential)
        {
            // RFC 6750 §3: quoted values within %x20-21 / %x23-5B / %x5D-7E; §3.1: no error code when no credential was presented.
            response.Headers.WWWAuthenticate = refusal.Error is null ? "Bearer" : $"Bearer error=\"{OAuthErrorText.Sanitize(refusal.Error)}\"";
        }

        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            // The unread body cannot be trusted to drain (RFC 9112 §9.6): close rather than read an attacker's megabytes.
            response.Headers.Connection = "close";
        }

        headers?.Invoke(response.Headers);
        await using var writer = new Utf8JsonWriter(response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", "https://mandate.dev/problems/proxy");
        writer.WriteString("title", refusal.Title);
        writer.WriteNumber("status", refusal.Status);
        // The same character rule as an OAuth error_description: the detail may be built from what the caller sent.
        writer.WriteString("detail", OAuthErrorText.Sanitize(refusal.Detail));
        if (refusal.Error is not null)
        {
            writer.WriteString("error", OAuthErrorText.Sanitize(refusal.Error));
        }

        writer.WriteString(Http.ProblemChecks.Member, OAuthErrorText.Sanitize(refusal.CheckId));

        writer.WriteEndObject();
        await writer.FlushAsync(CancellationToken.None);
    }
}
