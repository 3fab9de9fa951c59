using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Proxy;

/// <summary>What the upstream received: only requests whose body arrived completely are recorded.</summary>
public sealed record UpstreamRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, long BodyBytes);

/// <summary>
/// A real tool on Kestrel at 127.0.0.1:0 that records what reaches it. Paths choose its behaviour:
/// <c>/v1/echo-secret</c> echoes the injected header back in headers and body, <c>/v1/echo-cut?n=N</c> answers a body
/// (with its Content-Length) that ends in the injected header's first N characters, <c>/v1/big</c> streams 8 MiB,
/// <c>/v1/slow</c> waits until the call is abandoned, <c>/v1/hop</c> sends hop-by-hop headers, <c>/v1/events</c> streams
/// <see cref="Events"/> as Server-Sent Events (the next only once the test released <see cref="EventRead"/>),
/// <c>/v1/stall</c> sends part of a body then waits, <c>/v1/break</c> sends part then drops the connection when told (<see cref="BreakNow"/>);
/// a request with <see cref="AnswerStatus"/> gets that status and its <see cref="AnswerField"/>s whatever its path;
/// anything else answers 200 "ok".
/// </summary>
public sealed class UpstreamServer : IAsyncDisposable
{
    public const int BigBytes = 8 * 1024 * 1024;
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<UpstreamRequest> _received = new();
    private int _started;

    private UpstreamServer(WebApplication app) => _app = app;

    public IReadOnlyList<UpstreamRequest> Received => [.. _received];

    /// <summary>Requests whose head reached the tool, whether or not their body arrived (what <see cref="Received"/> leaves out).</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Completes when a request reached <c>/v1/slow</c>.</summary>
    public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by the test to make /v1/break drop its connection.</summary>
    public TaskCompletionSource BreakNow { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the proxy gave up on /v1/stall.</summary>
    public TaskCompletionSource StallAbandoned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public const string PartialBody = "partial body, ";

    /// <summary>A request header whose value the tool answers as its status.</summary>
    public const string AnswerStatus = "X-Answer-Status";

    /// <summary>
    /// The prefix of request headers (<c>X-Answer-Field-1: Name: value</c>, …) whose values the tool adds to its answer as
    /// fields, in order, with <see cref="Injected"/> (in a name or a value) replaced by the injected header's value (a tool that echoes its key).
    /// </summary>
    public const string AnswerField = "X-Answer-Field";

    /// <summary>In an <see cref="AnswerField"/>, the place of the injected header's value.</summary>
    public const string Injected = "{injected}";

    /// <summary>The Server-Sent Events /v1/events sends, given the injected header's value.</summary>
    public static IReadOnlyList<string> Events(string injected) =>
    [
        "event: message\nid: 1\ndata: {\"n\":1}\n\n",
        "id: 2\ndata: {\"echo\":\"" + injected + "\"}\n\n",
        "id: 3\ndata: starts like the key: " + injected[..8] + "\n\n",
        "id: 4\ndata: last\n\n",
    ];

    /// <summary>Released by the test once it read an event through the proxy; /v1/events waits for it before the next.</summary>
    public SemaphoreSlim EventRead { get; } = new(0);

    /// <summary>The header the upstream treats as the injected secret (echoed by /v1/echo-secret).</summary>
    public string SecretHeader { get; init; } = "X-Api-Key";

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<UpstreamServer> StartAsync(string secretHeader = "X-Api-Key")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = null).UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new UpstreamServer(app) { SecretHeader = secretHeader };
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _started);
        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        long bytes = 0;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            bytes += read;
        }

        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new UpstreamRequest(http.Request.Method, target, headers, bytes));
        var path = http.Request.Path.Value ?? "";
        if (int.TryParse(headers.GetValueOrDefault(AnswerStatus), out var status))
        {
            http.Response.StatusCode = status;
            foreach (var (_, asked) in headers.Where(h => h.Key.StartsWith(AnswerField, StringComparison.OrdinalIgnoreCase)).OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                var field = asked.Replace(Injected, headers.GetValueOrDefault(SecretHeader, ""), StringComparison.Ordinal);
                var colon = field.IndexOf(':', StringComparison.Ordinal);
                http.Response.Headers.Append(field[..colon], field[(colon + 1)..].Trim());
            }
        }
        else if (path.EndsWith("/v1/echo-secret", StringComparison.Ordinal))
        {
            var injected = headers.GetValueOrDefault(SecretHeader, "");
            http.Response.Headers["X-Echo"] = "you sent " + injected;
            http.Response.Headers.SetCookie = "session=" + injected + "; HttpOnly";
            http.Response.Headers["WWW-Authenticate"] = $"Bearer realm=\"{injected}\"";
            await http.Response.WriteAsync("{\"echo\":\"" + injected + "\",\"again\":\"" + injected + "\"}");
        }
        else if (path.EndsWith("/v1/echo-cut", StringComparison.Ordinal))
        {
            var cut = int.Parse(http.Request.Query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            var body = System.Text.Encoding.UTF8.GetBytes("{\"echo\":\"" + headers.GetValueOrDefault(SecretHeader, "")[..cut]);
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body);
        }
        else if (path.EndsWith("/v1/big", StringComparison.Ordinal) || path.EndsWith("/v1/big-known", StringComparison.Ordinal))
        {
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = path.EndsWith("-known", StringComparison.Ordinal) ? BigBytes : null;
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            for (var sent = 0; sent < BigBytes; sent += chunk.Length)
            {
                await http.Response.Body.WriteAsync(chunk, http.RequestAborted);
            }
        }
        else if (path.EndsWith("/v1/slow", StringComparison.Ordinal))
        {
            SlowStarted.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The proxy gave up: exactly what the test waits for.
            }
        }
        else if (path.EndsWith("/v1/hop", StringComparison.Ordinal))
        {
            http.Response.Headers["X-Up-Hop"] = "must not pass";
            http.Response.Headers["Keep-Alive"] = "timeout=5";
            http.Response.Headers.Connection = "X-Up-Hop";
            http.Response.Headers["X-Up-Normal"] = "passes";
            http.Response.Headers.SetCookie = "tool_session=up; Path=/";
            await http.Response.WriteAsync("ok");
        }
        else if (path.EndsWith("/v1/events", StringComparison.Ordinal))
        {
            http.Response.ContentType = "text/event-stream";
            foreach (var e in Events(headers.GetValueOrDefault(SecretHeader, "")))
            {
                await http.Response.WriteAsync(e, http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                if (!await EventRead.WaitAsync(TimeSpan.FromSeconds(30), http.RequestAborted))
                {
                    return;
                }
            }
        }
        else if (path.EndsWith("/v1/stall", StringComparison.Ordinal) || path.EndsWith("/v1/break", StringComparison.Ordinal))
        {
            await http.Response.WriteAsync(PartialBody, http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            if (path.EndsWith("/v1/break", StringComparison.Ordinal))
            {
                // Only once the partial body went through the proxy: an earlier reset could discard it unread.
                await BreakNow.Task.WaitAsync(TimeSpan.FromSeconds(30), http.RequestAborted);
                http.Abort();
                return;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                StallAbandoned.TrySetResult();
            }
        }
        else
        {
            http.Response.StatusCode = path.EndsWith("/v1/missing", StringComparison.Ordinal) ? 404 : 200;
            await http.Response.WriteAsync("ok");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
