using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mandate.Examples.Mcp.Tests.Harness;

/// <summary>A fresh broker and MCP server per test, and raw JSON-RPC posts to the MCP endpoint.</summary>
public abstract class McpTest : IAsyncLifetime
{
    private McpHarness? _harness;

    protected McpHarness Harness => _harness ?? throw new InvalidOperationException("not started");

    protected HttpClient Http => Harness.ServerHttp;

    /// <summary>A tools/call request body with id 7.</summary>
    protected static string ToolCall(string tool, string arguments = """{"order_id":"o-1001"}""") =>
        """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":""" + JsonSerializer.Serialize(tool) + ""","arguments":""" + arguments + "}}";

    /// <summary>Where the harness's clock starts: a fixed day, unless a test's other party keeps real time.</summary>
    protected virtual DateTimeOffset? ClockStart => null;

    public async Task InitializeAsync()
    {
        _harness = await McpHarness.StartAsync(ClockStart);
    }

    public virtual async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>POSTs <paramref name="body"/> to the MCP endpoint as an MCP client would.</summary>
    protected async Task<McpReply> PostAsync(string body, string? credential, Action<HttpRequestMessage>? edit = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        edit?.Invoke(request);
        using var response = await Http.SendAsync(request);
        return await McpReply.ReadAsync(response);
    }
}
