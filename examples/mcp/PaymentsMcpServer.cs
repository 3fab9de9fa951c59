using Mandate.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;

namespace Mandate.Examples.Mcp;

/// <summary>
/// An MCP server (C# MCP SDK, streamable HTTP) that accepts only Mandate credentials for its own URL, publishes RFC 9728
/// metadata naming the broker, and requires per-tool scopes. Runs standalone or in-process on 127.0.0.1:0 (tests).
/// </summary>
public static class PaymentsMcpServer
{
    /// <summary>The web app, not yet started.</summary>
    public static WebApplication Build(PaymentsMcpOptions options, LogLevel logLevel = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(PaymentsMcpServer).Assembly.GetName().Name });
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.SetMinimumLevel(logLevel);
        options.Logging?.Invoke(builder.Logging);
        if (options.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        // What an MCP server author writes to accept Mandate credentials (docs/mcp.md, "Protecting an MCP server").
        builder.Services.AddAuthentication().AddMandateToken(o =>
        {
            o.Issuer = options.Issuer;
            o.Audience = options.Resource;
            o.BrokerAddress = options.BrokerAddress;
            o.TimeProvider = options.Time;
            o.ResourceMetadata = new MandateResourceMetadataOptions { ResourceName = "Payments (Mandate MCP example)" };
            // Listing tools needs the read scope; refunds are obtained by step-up when a call needs them.
            o.ResourceMetadata.ScopesSupported.Add(PaymentsScopes.OrdersRead);
            o.ResourceMetadata.ChallengeScopes.Add(PaymentsScopes.OrdersRead);
        });
        builder.Services.AddAuthorization();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<OrderBook>();
        var sessions = new LiveSessions();
        builder.Services.AddMcpServer()
            // 2026-07-28 clients are served statelessly; older ones (initialize handshake) get a session on the same endpoint.
            .WithHttpTransport(t =>
            {
                t.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
                // The SDK's one hook that sees a session end (idle timeout included); experimental in 2.4, pinned here.
#pragma warning disable MCPEXP002
                t.RunSessionHandler = sessions.RunAsync;
#pragma warning restore MCPEXP002
            })
            .WithTools<PaymentsTools>();

        // Fails at start, naming the value, when an allowed origin is not an http(s) origin.
        _ = new Mandate.Mcp.McpOriginPolicy(options.AllowedOrigins);
        var app = builder.Build();
        app.UseMcpOriginCheck(options);
        app.UseAuthentication();
        app.UseAuthorization();
        sessions.UseOn(app, options.McpPath);
        app.MapMandateResourceMetadata();
        app.MapMcp(options.McpPath).RequireMandateToolScopes(o =>
        {
            foreach (var (tool, scopes) in PaymentsScopes.ByTool)
            {
                o.Require(tool, [.. scopes]);
            }
        });
        return app;
    }

    /// <summary>The address the started app listens on (useful with port 0).</summary>
    public static Uri Address(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Runs until Ctrl+C with options from the command line (<see cref="FromArgs"/>); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        PaymentsMcpOptions options;
        try
        {
            options = FromArgs(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("payments-mcp: cannot start: " + e.Message);
            return 2;
        }

        await using var app = Build(options);
        PaymentsMcpLog.Started(app.Logger, options.Resource, options.Issuer);
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// <c>--urls</c> (default http://127.0.0.1:5100), <c>--broker</c> (where the JWKS is fetched; default the issuer),
    /// <c>--issuer</c> (default the broker, else the quickstart's http://127.0.0.1:8080), <c>--resource</c> (default {urls}/mcp),
    /// <c>--allowed-origins</c> (comma-separated browser origins besides the server's own; default none).
    /// </summary>
    public static PaymentsMcpOptions FromArgs(string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        var url = AbsoluteUrl("--urls", config["urls"] ?? "http://127.0.0.1:5100");
        var broker = config["broker"] is { } b ? AbsoluteUrl("--broker", b) : null;
        var issuer = config["issuer"] ?? broker?.ToString().TrimEnd('/') ?? "http://127.0.0.1:8080";
        _ = AbsoluteUrl("--issuer", issuer);
        var resource = config["resource"] ?? url.ToString().TrimEnd('/') + "/mcp";
        _ = AbsoluteUrl("--resource", resource);
        var origins = (config["allowed-origins"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var origin in origins)
        {
            _ = AbsoluteUrl("--allowed-origins", origin);
        }

        return new PaymentsMcpOptions
        {
            AllowedOrigins = origins,
            Url = url.ToString().TrimEnd('/'),
            Resource = resource,
            Issuer = issuer,
            BrokerAddress = broker,
            Logging = logging => logging.AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information),
        };
    }

    private static Uri AbsoluteUrl(string option, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"{option} must be an absolute http(s) URL such as http://127.0.0.1:5100");
}
