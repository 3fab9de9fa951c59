using System.Diagnostics;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A real <c>mandate serve</c> in a child process on 127.0.0.1 (port 0), as an operator runs it, so that it can be
/// killed with SIGKILL mid-request: an in-process host can only be stopped politely.
/// </summary>
internal sealed class BrokerProcess : IDisposable
{
    private const string Listening = "Mandate broker listening on ";
    private readonly Process _process;

    private BrokerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the broker and waits (bounded) for its banner; fails with its output if it exits or hangs.</summary>
    public static async Task<BrokerProcess> StartAsync(string configPath, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Process.Start(Serve(configPath, environment)) ?? throw new InvalidOperationException("dotnet did not start");
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        var seen = new System.Text.StringBuilder();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancel.Token) is { } line)
            {
                seen.AppendLine(line);
                if (line.StartsWith(Listening, StringComparison.Ordinal))
                {
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                    return new BrokerProcess(process, new Uri(line[Listening.Length..].Trim()));
                }
            }
        }
        catch (OperationCanceledException)
        {
            seen.AppendLine("(no banner within " + timeout + ")");
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"mandate serve did not start (exit {process.ExitCode}):\n{seen}\n{await errors}");
    }

    private static ProcessStartInfo Serve(string configPath, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "mandate.dll"), "serve", "-c", configPath, "--listen", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>Runs <c>mandate serve</c> expecting it to refuse to start; its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RefusedAsync(string configPath, TimeSpan timeout)
    {
        using var process = Process.Start(Serve(configPath, environment: null)) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"mandate serve started instead of refusing:\n{await output}");
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, no lock or socket clean-up.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
