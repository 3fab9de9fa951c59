using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Mandate.Testing;

/// <summary>
/// The official MCP TypeScript SDK client (tests/mcp-clients/typescript/client.mjs, run by Node): one JSON command per
/// line in, one JSON answer per line out. Installs the SDK on first use (<see cref="NodeProjects"/>).
/// </summary>
public sealed class TypeScriptMcpClient : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _node;

    private TypeScriptMcpClient(Process node) => _node = node;

    private static string ClientFolder => Path.Combine(NodeProjects.RepositoryRoot(), "tests", "mcp-clients", "typescript");

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

    private static string InstalledSdk() =>
        Path.Combine(NodeProjects.Installed(Path.Combine("tests", "mcp-clients", "typescript"), Path.Combine("@modelcontextprotocol", "sdk")),
            "node_modules", "@modelcontextprotocol", "sdk");
}
