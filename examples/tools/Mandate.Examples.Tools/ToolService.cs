using Mandate.ResourceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Tools;

/// <summary>
/// Builds one example tool service: a minimal API protected by <c>AddMandateToken</c>. Runs standalone
/// (<c>dotnet run --project examples/tools/Refunds</c>) or in-process on 127.0.0.1:0 (the demo, tests).
/// </summary>
public static class ToolService
{
    /// <summary>The web app, not yet started.</summary>
    public static WebApplication Build(ToolServiceOptions options, LogLevel logLevel = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ToolService).Assembly.GetName().Name });
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.SetMinimumLevel(logLevel);
        options.Logging?.Invoke(builder.Logging);
        if (options.ServerCertificate is { } certificate)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificate;
                // Any client certificate may be presented; the handler accepts it only if a credential's cnf names it, or
                // (AcceptToolCertificates) when it is a Mandate tool credential for this tool.
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate();
            }));
        }

        if (options.Time is { } time)
        {
            builder.Services.AddSingleton(time);
        }

        // The whole of what a tool author writes to accept Mandate credentials (docs/resource-servers.md).
        builder.Services.AddAuthentication().AddMandateToken(o =>
        {
            o.Issuer = options.Issuer;
            o.Audience = options.Tool.Resource;
            o.BrokerAddress = options.BrokerAddress;
            o.Tenants = options.Tenants;
            o.TimeProvider = options.Time;
            if (options.Introspection is { } introspection)
            {
                o.Introspection = introspection;
            }
            else if (options.Identity is { } identity)
            {
                // Every request, reads included: `mandate revoke` bites on the very next call.
                o.Introspection = new MandateIntrospectionOptions { Mode = IntrospectionMode.Always, WorkloadToken = identity.Source.GetTokenAsync };
            }

            options.Configure?.Invoke(o);
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        if (options.Tool == ToolKind.Refunds)
        {
            app.MapRefundsApi();
        }
        else if (options.Tool == ToolKind.Crm)
        {
            app.MapCrmApi();
        }
        else
        {
            app.MapCodeHostApi();
        }

        options.Endpoints?.Invoke(app);
        return app;
    }

    /// <summary>The address the started app listens on (useful with port 0).</summary>
    public static Uri Address(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>
    /// Runs a tool standalone until Ctrl+C: reads the command line (<see cref="FromArgs"/>), obtains the tool's workload
    /// identity before it listens (a tool that cannot check revocation does not start), then serves. Returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(ToolKind tool, string[] args)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ToolServiceOptions options;
        string spiffeId;
        try
        {
            options = FromArgs(tool, args);
            spiffeId = await options.Identity!.ObtainAsync(tool, CancellationToken.None);
        }
        catch (ToolStartupException e)
        {
            await Console.Error.WriteLineAsync($"{tool.Name}: cannot start: {e.Message}");
            return 2;
        }

        await using var app = Build(options);
        ToolServiceLog.Started(app.Logger, tool.Name, tool.Resource, options.Issuer, spiffeId, options.Identity.Origin);
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Options from the command line: <c>--urls</c>, <c>--issuer</c> (default the quickstart's http://127.0.0.1:8080),
    /// <c>--broker</c>, the tool's own identity: <c>--workload-socket</c> (default the quickstart's
    /// <see cref="ToolIdentity.QuickstartWorkloadSocket"/>) or <c>--workload-token-file</c>, and <c>--config</c>, the broker's
    /// configuration file the <c>mandate</c> commands it prints name (default $MANDATE_CONFIG, else the quickstart's when the
    /// workload socket is the quickstart's). Every request is checked at the broker. <paramref name="environment"/> reads
    /// environment variables (default the process's).
    /// </summary>
    public static ToolServiceOptions FromArgs(ToolKind tool, string[] args, Func<string, string?>? environment = null)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        var issuer = config["issuer"] ?? "http://127.0.0.1:8080";
        _ = AbsoluteUri("--issuer", issuer);
        var socket = config["workload-socket"];
        var tokenFile = config["workload-token-file"];
        if (socket is not null && tokenFile is not null)
        {
            throw new ToolStartupException("pass --workload-socket or --workload-token-file, not both: the tool has one identity");
        }

        var brokerConfig = config["config"] ?? (environment ?? Environment.GetEnvironmentVariable)("MANDATE_CONFIG")
            ?? (socket is null && tokenFile is null ? ToolIdentity.QuickstartConfig : null);

        return new ToolServiceOptions
        {
            Tool = tool,
            Url = config["urls"] ?? "http://127.0.0.1:0",
            Issuer = issuer,
            BrokerAddress = config["broker"] is { } broker ? AbsoluteUri("--broker", broker) : null,
            // One line per event; the framework's request chatter only when something is wrong, so the tool's refusals stand out.
            Logging = logging => logging.AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
                .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error),
            Identity = tokenFile is not null
                ? ToolIdentity.FromFile(tokenFile, brokerConfig)
                : ToolIdentity.FromWorkloadSocket(socket ?? ToolIdentity.QuickstartWorkloadSocket, issuer, brokerConfig: brokerConfig),
        };
    }

    private static Uri AbsoluteUri(string option, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ToolStartupException($"{option} must be an absolute http(s) URL such as http://127.0.0.1:8080");
}
