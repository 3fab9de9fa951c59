using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;

namespace Mandate.Bench.Mcp;

/// <summary>
/// A real MCP server (C# MCP SDK, stateless streamable HTTP) at 127.0.0.1:0/mcp with one read-only tool. It checks no
/// credential: the bench measures the gateway, and the direct target stands for a server an agent reaches with a
/// static key.
/// </summary>
internal static class UpstreamMcpServer
{
    public static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddMcpServer()
            .WithHttpTransport(t => t.SessionMode = HttpServerSessionMode.Stateless)
            .WithTools<OrderTools>();
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync();
        return app;
    }

    /// <summary>The MCP endpoint of a started server, e.g. http://127.0.0.1:41234/mcp.</summary>
    public static Uri Endpoint(WebApplication app) =>
        new(new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/mcp");

    [McpServerToolType]
    public sealed class OrderTools
    {
        [McpServerTool(Name = "lookup_order", ReadOnly = true), Description("Looks an order up.")]
        public static string LookupOrder(string orderId) => $"order {orderId}: shipped";
    }
}
