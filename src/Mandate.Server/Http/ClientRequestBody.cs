using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Http;

/// <summary>
/// Makes every failure to read a request body the client's: a broken chunked framing, an overflowing
/// chunk size ("Bad chunk size data", surfaced by Kestrel as a bare <see cref="IOException"/>), a body cut
/// short or a reset connection all become <see cref="BadHttpRequestException"/> with a 4xx status, on every
/// listener (OAuth endpoints, evidence, admin and workload sockets, proxy). The exception handler, minimal
/// API binding and the proxy already answer that type with its status, so no endpoint needs its own catch.
/// </summary>
public static class ClientRequestBody
{
    /// <summary>First in the pipeline, so every branch (the proxy's too) reads through it.</summary>
    public static void UseClientRequestBody(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((http, next) =>
        {
            var transferEncoding = http.Request.Headers.TransferEncoding;
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as having faulty framing.
            var faulty = transferEncoding.Count > 0 && HttpProtocol.IsHttp10(http.Request.Protocol);
            http.Request.Body = new ClientRequestBodyStream(http.Request.Body, !faulty && OnlyChunked(transferEncoding));
            return next(http);
        });
    }

    /// <summary>
    /// Kestrel decodes chunked and hands on whatever codings come before it (<c>gzip, chunked</c>) still applied, and
    /// a body chunked twice still framed once: read as plain bytes either is another body than the client sent. RFC
    /// 9112 §6.1: chunked is applied at most once and last; Mandate decodes no other coding. Any other list is refused.
    /// </summary>
    internal static bool OnlyChunked(Microsoft.Extensions.Primitives.StringValues transferEncoding)
    {
        var codings = 0;
        foreach (var value in transferEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!coding.Equals("chunked", StringComparison.OrdinalIgnoreCase) || ++codings > 1)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The status for a request that failed with <paramref name="exception"/> if the client caused it (400, 408
    /// or 413), or null for a genuine fault. Kestrel's own rejections carry their status; anything else a 4xx.
    /// </summary>
    public static int? ClientStatus(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad)
            {
                return bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
            }
        }

        return null;
    }

    /// <summary>
    /// The whole body, or null when it is larger than <paramref name="maxBytes"/> (declared or as it arrives) or than the
    /// server's own limit. A body that
    /// ends before its Content-Length is the client's broken framing (<see cref="BadHttpRequestException"/>, 400).
    /// </summary>
    public static async Task<byte[]?> ReadBoundedAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } length)
        {
            if (length > maxBytes)
            {
                return null;
            }

            // The usual case: read into one array of exactly the declared size.
            var exact = new byte[length];
            try
            {
                await request.Body.ReadExactlyAsync(exact, cancellationToken);
            }
            catch (EndOfStreamException e)
            {
                throw new BadHttpRequestException("the request body ended before its Content-Length", StatusCodes.Status400BadRequest, e);
            }

            return exact;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            using var buffer = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit on the listener, when it is below maxBytes, stops the body first.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The refusal, with its check, of a request whose body failed to read with <paramref name="status"/>.</summary>
    public static Core.Protocol.OAuthError Refusal(int status) => (status switch
    {
        StatusCodes.Status413PayloadTooLarge => FormChecks.BodyTooLarge,
        StatusCodes.Status408RequestTimeout => FormChecks.BodyTimeout,
        _ => FormChecks.BodyUnreadable,
    }).Refuse(Description(status));

    /// <summary>A client-safe description for a request refused with <paramref name="status"/> while it was read.</summary>
    public static string Description(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "the request body is larger than the server accepts; nothing was done",
        StatusCodes.Status408RequestTimeout => "the request body arrived too slowly; nothing was done, send it again",
        _ => "the request could not be read (malformed framing, a transfer coding other than chunked alone or in HTTP/1.0, a broken chunked body or a body that ended early); nothing was done",
    };
}
