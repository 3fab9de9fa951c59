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
        if (options.ServerCertificate is { } certificate)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificate;
                // Any client certificate may be presented; the handler accepts it only if a credential's cnf names it.
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

        return app;
    }

    /// <summary>The address the started app listens on (useful with port 0).</summary>
    public static Uri Address(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>
    /// Options from the command line: <c>--urls</c>, <c>--issuer</c> (default the quickstart's http://127.0.0.1:8080),
    /// <c>--broker</c>, and <c>--workload-token-file</c> (the tool's JWT-SVID; turns on introspection for writes).
    /// </summary>
    public static ToolServiceOptions FromArgs(ToolKind tool, string[] args)
    {
        var config = new ConfigurationBuilder().AddCommandLine(args).Build();
        var tokenFile = config["workload-token-file"];
        return new ToolServiceOptions
        {
            Tool = tool,
            Url = config["urls"] ?? "http://127.0.0.1:0",
            Issuer = config["issuer"] ?? "http://127.0.0.1:8080",
            BrokerAddress = config["broker"] is { } broker ? new Uri(broker) : null,
            Introspection = tokenFile is null ? null : new MandateIntrospectionOptions
            {
                Mode = IntrospectionMode.OnlyForWrites,
                WorkloadToken = async ct => (await File.ReadAllTextAsync(tokenFile, ct)).Trim(),
            },
        };
    }
}
