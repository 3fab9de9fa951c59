using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mandate.Core.Audit;
using ModelContextProtocol.Client;

namespace Mandate.Server.Tests.Mcp;

/// <summary>A fresh <see cref="McpGatewayHarness"/> per test, with raw HTTP and C# MCP SDK clients aimed at the gateway.</summary>
public abstract class McpGatewayTest : IAsyncLifetime
{
    protected const string Modern = "2026-07-28";

    protected McpGatewayHarness Gateway { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    /// <summary>The broker's policy.yaml.</summary>
    protected virtual string Policy => McpGatewayHarness.Policy;

    public async Task InitializeAsync()
    {
        Gateway = await McpGatewayHarness.StartAsync(policy: Policy);
        // No cookie jar: the tests set and read Cookie and Set-Cookie themselves.
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
    }

    /// <summary>The C# MCP SDK client through the gateway, presenting <paramref name="credential"/>.</summary>
    protected async Task<McpClient> ConnectAsync(string credential, string tool = McpGatewayHarness.Payments)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = Gateway.Endpoint(tool),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + credential },
        });
        return await McpClient.CreateAsync(transport).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A 2026-07-28 JSON-RPC request body (with the protocol version in <c>_meta</c>).</summary>
    protected internal static string Request(string method, string? name = null, string arguments = "{}", int id = 1)
    {
        var nameMember = name is null ? "" : $"\"name\":{JsonSerializer.Serialize(name)},\"arguments\":{arguments},";
        var meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + Modern + "\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw\",\"version\":\"1\"},\"io.modelcontextprotocol/clientCapabilities\":{}}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{" + nameMember + meta + "}}";
    }

    /// <summary>POSTs <paramref name="body"/> to the gateway with the 2026-07-28 headers unless <paramref name="headers"/> replaces them.</summary>
    protected async Task<HttpResponseMessage> PostAsync(string body, string? credential, IReadOnlyDictionary<string, string?>? headers = null, string tool = McpGatewayHarness.Payments)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Endpoint(tool)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        foreach (var (name, value) in headers ?? ModernHeaders(body))
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await Http.SendAsync(request);
    }

    /// <summary>The headers a 2026-07-28 client sends for <paramref name="body"/>.</summary>
    protected internal static Dictionary<string, string?> ModernHeaders(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var headers = new Dictionary<string, string?> { ["MCP-Protocol-Version"] = Modern, ["Mcp-Method"] = root.GetProperty("method").GetString() };
        if (root.TryGetProperty("params", out var p) && p.TryGetProperty("name", out var name))
        {
            headers["Mcp-Name"] = name.GetString();
        }

        return headers;
    }

    /// <summary>The JSON-RPC error of a refusal, after checking the status.</summary>
    protected static async Task<JsonElement> JsonRpcErrorAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("2.0", json.RootElement.GetProperty("jsonrpc").GetString());
        return json.RootElement.GetProperty("error").Clone();
    }

    /// <summary>The mcp_call audit records, oldest first, once there are <paramref name="expected"/> (bounded wait).</summary>
    protected Task<IReadOnlyList<AuditEvent>> McpCallRecordsAsync(int expected = 1) =>
        AuditRecordsAsync(EgressAuditKinds.McpCall, records => records.Count >= expected);

    /// <summary>
    /// The audit records of <paramref name="kind"/> once <paramref name="done"/> holds, or after 10 s: a refusal's record
    /// is written as its answer completes, which the client may see a moment before the test reads the store.
    /// </summary>
    protected async Task<IReadOnlyList<AuditEvent>> AuditRecordsAsync(string kind, Func<IReadOnlyList<AuditEvent>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var records = new List<AuditEvent>();
            await foreach (var r in Gateway.Broker.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = kind }, CancellationToken.None))
            {
                records.Add(r.Event);
            }

            if (done(records) || DateTime.UtcNow > deadline)
            {
                return records;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The one record written since <paramref name="before"/>, of <paramref name="kind"/>; every earlier record unchanged.</summary>
    protected async Task<AuditEvent> OnlyNewRecordAsync(List<AuditRecord> before, string kind)
    {
        await AuditRecordsAsync(kind, records => records.Count > before.Count(r => r.Event.Kind == kind));
        var after = await Gateway.Broker.ReadAuditAsync();
        Assert.Equal(before.Select(r => r.Hash), after.Take(before.Count).Select(r => r.Hash));
        var added = Assert.Single(after.Skip(before.Count));
        Assert.Equal(kind, added.Event.Kind);
        return added.Event;
    }
}
