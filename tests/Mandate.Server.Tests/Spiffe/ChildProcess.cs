using System.Diagnostics;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>Runs a real program as a child process (bounded by a timeout) and captures its output.</summary>
internal static class ChildProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {fileName}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>curl over a Unix socket; returns the HTTP status and the body.</summary>
    public static async Task<(int Status, string Body)> CurlAsync(string socket, string path, params string[] prefix)
    {
        string[] curl = ["/usr/bin/curl", "-s", "--unix-socket", socket, "-w", "\n%{http_code}", "http://localhost" + path];
        var (exit, stdout, stderr) = prefix.Length == 0
            ? await RunAsync(curl[0], curl[1..])
            : await RunAsync(prefix[0], [.. prefix[1..], .. curl]);
        Assert.True(exit == 0, $"curl exited {exit}: {stderr}");
        var split = stdout.LastIndexOf('\n');
        return (int.Parse(stdout[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), stdout[..split]);
    }

    public static async Task<uint> CurrentUidAsync() =>
        uint.Parse((await RunAsync("/usr/bin/id", "-u")).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
