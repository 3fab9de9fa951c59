using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Mandate.Testing;

/// <summary>
/// The official MCP TypeScript SDK client (tests/mcp-clients/typescript/client.mjs, run by Node): one JSON command per
/// line in, one JSON answer per line out. Installs the SDK with <c>npm ci</c> on first use.
/// </summary>
public sealed class TypeScriptMcpClient : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _node;

    private TypeScriptMcpClient(Process node) => _node = node;

    private static string ClientFolder => Path.Combine(RepositoryRoot(), "tests", "mcp-clients", "typescript");

    public static TypeScriptMcpClient Start()
    {
        _ = InstalledSdk();
        var start = new ProcessStartInfo("node", "client.mjs")
        {
            WorkingDirectory = ClientFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        // Drained so a chatty SDK never blocks on a full pipe.
        _ = node.StandardError.ReadToEndAsync();
        return new TypeScriptMcpClient(node);
    }

    /// <summary>
    /// Runs <c>typescript/discover.mjs</c> (beside the tests) with <paramref name="argument"/> against the installed SDK;
    /// its one JSON line.
    /// </summary>
    public static async Task<JsonElement> DiscoverAsync(object argument)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "typescript", "discover.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(JsonSerializer.Serialize(argument));
        start.Environment["MCP_SDK_DIR"] = InstalledSdk();
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        var error = node.StandardError.ReadToEndAsync(timeout.Token);
        var output = await node.StandardOutput.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, "discover.mjs failed: " + await error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Sends one command and waits (bounded) for its answer.</summary>
    public async Task<JsonElement> SendAsync(object command)
    {
        await _node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _node.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        var line = await _node.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("the TypeScript client exited");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        _node.StandardInput.Close();
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _node.WaitForExitAsync(exit.Token);
        }
        catch (OperationCanceledException)
        {
            _node.Kill(entireProcessTree: true);
        }

        _node.Dispose();
    }

    /// <summary>
    /// The SDK's folder, installed with <c>npm ci</c> (the pinned lock file) on first use, so <c>dotnet test</c> on a
    /// fresh clone needs nothing but Node.js and npm. A named mutex, shared by every test process on the machine, lets
    /// the first install while the others wait for it.
    /// </summary>
    private static string InstalledSdk()
    {
        var sdk = Path.Combine(ClientFolder, "node_modules", "@modelcontextprotocol", "sdk");
        if (Directory.Exists(sdk))
        {
            return sdk;
        }

        using var installing = new Mutex(initiallyOwned: false, "mandate-mcp-typescript-sdk-install");
        if (!installing.WaitOne(TimeSpan.FromMinutes(5)))
        {
            throw new InvalidOperationException("another test process has been installing the MCP TypeScript SDK for 5 minutes");
        }

        try
        {
            if (!Directory.Exists(sdk))
            {
                Install();
            }

            return sdk;
        }
        finally
        {
            installing.ReleaseMutex();
        }
    }

    private static void Install()
    {
        var npm = new ProcessStartInfo("npm") { WorkingDirectory = ClientFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(argument);
        }

        using var process = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start: Node.js and npm are needed for the MCP TypeScript client tests");
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'npm ci' in {ClientFolder} failed: {error.Result}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mandate.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Mandate.slnx not found above " + AppContext.BaseDirectory);
    }
}
