using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// One scripted answer: status, body and its content type, extra response headers. <see cref="Hang"/> never answers;
/// <see cref="Gate"/> answers once it completes; <see cref="BodyRepeats"/> sends the body that many times (chunked);
/// <see cref="StallAfterBody"/> then never ends it.
/// </summary>
internal sealed record ScriptedAnswer(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public bool Hang { get; init; }

    public Task? Gate { get; init; }

    public int BodyRepeats { get; init; } = 1;

    public bool StallAfterBody { get; init; }

    public static ScriptedAnswer Json(int status, string body, params (string Name, string Value)[] headers) =>
        new(status, body, Headers: headers.ToDictionary(h => h.Name, h => h.Value));
}

/// <summary>What the server received: method, path, headers and the raw body.</summary>
internal sealed record ScriptedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body's form fields in order, each as sent (names may repeat).</summary>
    public IReadOnlyList<(string Name, string Value)> Form =>
        Body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(p => (Decode(p[0]), p.Length > 1 ? Decode(p[1]) : "")).ToList();

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}

/// <summary>
/// A server on Kestrel (127.0.0.1:0, or a Unix socket) that answers every request with the next scripted answer (the
/// last one repeats) and records what it received: a broker or a resource server that answers from the RFCs, or misbehaves.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedRequest> _received = new();
    private readonly ScriptedAnswer[] _answers;
    private int _next;

    private ScriptedServer(WebApplication app, ScriptedAnswer[] answers)
    {
        _app = app;
        _answers = answers;
    }

    public IReadOnlyList<ScriptedRequest> Received => [.. _received];

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    /// <summary>An HttpClient whose BaseAddress is this server, as an agent would configure it for the broker.</summary>
    public HttpClient Client() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public static Task<ScriptedServer> StartAsync(params ScriptedAnswer[] answers) => StartAsync(null, answers);

    public static async Task<ScriptedServer> StartAsync(string? unixSocket, params ScriptedAnswer[] answers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (unixSocket is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseKestrel(k => k.ListenUnixSocket(unixSocket));
        }

        var app = builder.Build();
        var server = new ScriptedServer(app, answers);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ScriptedRequest(http.Request.Method, http.Request.Path.Value ?? "", headers, body));
        var answer = _answers[Math.Min(Interlocked.Increment(ref _next) - 1, _answers.Length - 1)];
        if (answer.Hang)
        {
            await AbandonedAsync(http);
            return;
        }

        if (answer.Gate is { } gate)
        {
            await gate.WaitAsync(http.RequestAborted);
        }

        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = answer.ContentType;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            http.Response.Headers.Append(name, value);
        }

        for (var i = 0; i < answer.BodyRepeats && !http.RequestAborted.IsCancellationRequested; i++)
        {
            await http.Response.WriteAsync(answer.Body, http.RequestAborted);
        }

        if (answer.StallAfterBody)
        {
            await http.Response.Body.FlushAsync(http.RequestAborted);
            await AbandonedAsync(http);
        }
    }

    /// <summary>Waits until the client gives up: its own timeout or cancellation must end the call.</summary>
    private static async Task AbandonedAsync(HttpContext http)
    {
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (http.RequestAborted.Register(() => abandoned.TrySetResult()))
        {
            await abandoned.Task;
        }
    }
}
