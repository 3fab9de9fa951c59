using System.Net;
using Mandate.Core.Configuration;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy;

/// <summary>
/// Sends one checked call upstream and relays the answer, both bodies streamed. One shared
/// <see cref="SocketsHttpHandler"/> pools connections (recycled every few minutes so DNS changes are seen);
/// no redirects, cookies, decompression or ambient proxy. Returns a refusal when it could not relay.
/// </summary>
internal sealed class ProxyForwarder : IDisposable
{
    private readonly HttpClient _client;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;

    public ProxyForwarder(MandateOptions options, TimeProvider time)
    {
        _options = options.Proxy;
        _time = time;
        _client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectTimeout = _options.ConnectTimeout,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
            ActivityHeadersPropagator = null,
        })
        {
            // The timeout is ours (on the broker's clock) so it covers the body too and can be told from a client abort.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<ProxyRefusal?> ForwardAsync(HttpContext http, ProxyCall call, ProxyUpstreamCall upstream, SecretScrubber scrubber)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, http.RequestAborted);
        var ct = linked.Token;
        using var message = CreateRequest(http.Request, upstream, scrubber.Active, out var body);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            call.RequestBytes = body?.BytesRead ?? 0;
            return Failure(e, timeout.IsCancellationRequested, http.RequestAborted.IsCancellationRequested);
        }

        using (response)
        {
            call.RequestBytes = body?.BytesRead ?? 0;
            if (_options.MaxResponseBody is { } max && response.Content.Headers.ContentLength > max)
            {
                return ProxyRefusal.BadGateway(ProxyChecks.ResponseTooLarge, $"the upstream response ({response.Content.Headers.ContentLength} bytes) is larger than proxy.max_response_body ({max} bytes); it was not relayed");
            }

            call.Forwarded = true;
            call.Status = (int)response.StatusCode;
            CopyResponseHeaders(response, http.Response, scrubber);
            try
            {
                await using var upstreamBody = await response.Content.ReadAsStreamAsync(ct);
                call.ResponseBytes = await scrubber.CopyAsync(upstreamBody, http.Response.Body, _options.MaxResponseBody, ct);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // Headers are already on their way: the only honest signal left is to cut the connection (after the audit).
                call.CutOff = true;
                call.Refusal = Failure(e, timeout.IsCancellationRequested, http.RequestAborted.IsCancellationRequested);
            }
        }

        return null;
    }

    private static HttpRequestMessage CreateRequest(HttpRequest request, ProxyUpstreamCall upstream, bool scrubbing, out LimitedReadStream? body)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), upstream.Uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        body = null;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody)
        {
            body = new LimitedReadStream(request.Body, upstream.MaxRequestBody);
            message.Content = new StreamContent(body, 64 * 1024);
            if (request.ContentLength is { } length)
            {
                message.Content.Headers.ContentLength = length;
            }
        }

        var listed = ProxyHeaders.ListedInConnection(request.Headers.Connection);
        foreach (var (name, values) in request.Headers)
        {
            if (!ProxyHeaders.ForwardRequest(name, listed, upstream.InjectHeader)
                || (scrubbing && name.Equals("Accept-Encoding", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (scrubbing)
        {
            // Ask for an uncompressed body: the scrubber can only find the secret in bytes it can read.
            message.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
        }

        message.Headers.TryAddWithoutValidation(upstream.InjectHeader, upstream.InjectValue);
        return message;
    }

    private static void CopyResponseHeaders(HttpResponseMessage from, HttpResponse to, SecretScrubber scrubber)
    {
        to.StatusCode = (int)from.StatusCode;
        var listed = ProxyHeaders.ListedInConnection(from.Headers.Connection);
        foreach (var (name, values) in from.Headers.Concat(from.Content.Headers))
        {
            if (ProxyHeaders.ForwardResponse(name, listed))
            {
                to.Headers[name] = values.Select(scrubber.Header).ToArray();
            }
        }
    }

    private static ProxyRefusal Failure(Exception e, bool timedOut, bool clientGone)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ProxyLimitException limit)
            {
                return inner.Message.Contains("request", StringComparison.Ordinal) ? ProxyRefusal.TooLarge(limit.Message + "; nothing more was forwarded") : ProxyRefusal.BadGateway(ProxyChecks.ResponseTooLarge, limit.Message);
            }

            if (inner is Microsoft.AspNetCore.Http.BadHttpRequestException bad)
            {
                return bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProxyRefusal.TooLarge("the request body is larger than proxy.max_request_body") : ProxyRefusal.BadRequest(ProxyChecks.BodyMalformed, "the request body is malformed");
            }
        }

        if (timedOut)
        {
            return ProxyRefusal.GatewayTimeout("the upstream did not answer within proxy.timeout");
        }

        if (clientGone)
        {
            return new ProxyRefusal(499, "client closed request", "the agent closed the connection") { CheckId = ProxyChecks.ClientClosed };
        }

        // The exception text may name hosts and ports; it is not needed by the agent, and the audit gets the type.
        return ProxyRefusal.BadGateway(ProxyChecks.UpstreamFailed, $"the upstream could not be reached or broke the connection ({e.GetType().Name})");
    }

    public void Dispose() => _client.Dispose();
}
