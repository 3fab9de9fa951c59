using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Hosting;

/// <summary>
/// Holds requests that arrive between the listeners binding and the start-up audit records being written, so
/// every decision follows the record of the policy it was made under, and a start that fails records nothing.
/// </summary>
internal sealed class StartupGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    /// <summary>Start-up failed: held requests are answered by the host as the app stops.</summary>
    public void Fail(Exception reason) => _open.TrySetException(reason);

    public bool IsOpen => _open.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _open.Task.WaitAsync(cancellationToken);
}

internal static class StartupGateExtensions
{
    public static void UseStartupGate(this WebApplication app)
    {
        var gate = app.Services.GetRequiredService<StartupGate>();
        // Once open (every request but those of the first moments), the request goes straight on: no wait, no async frame.
        app.Use((HttpContext http, RequestDelegate next) => gate.IsOpen ? next(http) : WaitThenAsync(gate, http, next));
    }

    private static async Task WaitThenAsync(StartupGate gate, HttpContext http, RequestDelegate next)
    {
        await gate.WaitAsync(http.RequestAborted);
        await next(http);
    }
}
