using Mandate.Core.Configuration;
using Mandate.Server.Admin;
using Mandate.Server.Endpoints;
using Mandate.Server.Http;
using Mandate.Server.WorkloadApi;
using Mandate.Server.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>Builds the broker's web application: Kestrel listeners, endpoints, error handling.</summary>
public static class MandateServer
{
    /// <summary>Opens the runtime and builds the app; call <c>StartAsync</c>/<c>RunAsync</c> on the result.</summary>
    public static async Task<MandateApp> CreateAsync(MandateOptions options, MandateHostOptions host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        // The content root is the binary's folder and ASP.NET's own configuration sources are dropped: Mandate is
        // configured by its YAML file, and the default file watchers would otherwise watch the working directory
        // recursively (including the store's WAL file, waking on every commit).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Mandate", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(host.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        host.ConfigureLogging?.Invoke(builder.Logging);
        using var startupLoggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(host.LogLevel));
        var runtime = await MandateRuntime.OpenAsync(options, host, startupLoggers, cancellationToken);

        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = FormReader.MaxBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        var listen = ListenAddress.Parse(host.ListenUrl ?? options.Listen, options.SenderConstraint.Tls is not null);
        if (host.AdminSocket)
        {
            PrepareSocket(options.AdminSocket);
        }

        var workloadSocket = options.Spiffe.Enabled && host.WorkloadSocket;
        if (workloadSocket)
        {
            PrepareSocket(options.Spiffe.WorkloadSocket);
        }

        var proxyListener = new Proxy.ProxyListener();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listen.Address, listen.Port, l => { if (listen.Https) { SenderConstraint.TlsListener.Configure(l, options.SenderConstraint.Tls!); } });
            if (host.AdminSocket)
            {
                k.ListenUnixSocket(options.AdminSocket);
            }

            if (workloadSocket)
            {
                // A separate listener: its connections are marked (with the caller's peer credentials) so only the workload API answers them.
                k.ListenUnixSocket(options.Spiffe.WorkloadSocket, l => l.Use(WorkloadConnection.Mark));
            }

            proxyListener.Listen(k, options.Proxy, host.ProxyListenUrl);
        });

        builder.Services.AddMandate(runtime);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);

        var app = builder.Build();
        app.UseClientRequestBody();
        app.UseEgressProxy();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = InternalFaultAsync });
        app.UseStatusCodePages();
        MapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() => RestrictSocket(options.AdminSocket, host.AdminSocket));
        app.Lifetime.ApplicationStarted.Register(() => OpenSocket(options.Spiffe.WorkloadSocket, workloadSocket));
        return new MandateApp(app, runtime) { ProxyListener = proxyListener };
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost(TokenEndpoint.Path, TokenEndpoint.HandleAsync);
        app.MapPost(IntrospectionEndpoint.Path, IntrospectionEndpoint.HandleAsync);
        app.MapPost(RevocationEndpoint.Path, RevocationEndpoint.HandleAsync);
        app.MapPost(EvidenceEndpoint.Path, EvidenceEndpoint.HandleAsync);
        foreach (var path in new[] { TokenEndpoint.Path, IntrospectionEndpoint.Path, RevocationEndpoint.Path })
        {
            app.MapMethods(path, ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"], MethodNotAllowedAsync);
        }

        app.MapGet(MetadataEndpoints.MetadataPath, MetadataEndpoints.Metadata);
        app.MapGet(MetadataEndpoints.JwksPath, MetadataEndpoints.Jwks);
        app.MapFederation();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapAdmin();
        if (app.Services.GetService<Core.Spiffe.SpiffeAuthority>() is not null)
        {
            app.MapGet(SpiffeBundleEndpoint.Path, SpiffeBundleEndpoint.Handle);
            app.MapWorkloadApi();
        }
    }

    private static Task MethodNotAllowedAsync(HttpContext http)
    {
        http.Response.Headers.Allow = "POST";
        return OAuthResponses.WriteErrorAsync(http, Core.Protocol.OAuthError.InvalidRequest("use POST with an application/x-www-form-urlencoded body"), StatusCodes.Status405MethodNotAllowed);
    }

    /// <summary>
    /// A request the client could not send properly (broken framing, a body cut short, over a limit) is answered
    /// with its 4xx status. Anything else is a genuine internal fault: fail closed with a generic body; the detail
    /// goes to the log only.
    /// </summary>
    private static Task InternalFaultAsync(HttpContext http)
    {
        var error = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
        return ClientRequestBody.ClientStatus(error) is { } status
            ? OAuthResponses.WriteErrorAsync(http, Core.Protocol.OAuthError.InvalidRequest(ClientRequestBody.Description(status)), status)
            : OAuthResponses.WriteErrorAsync(http, new Core.Protocol.OAuthError(Core.Protocol.OAuthConstants.Errors.ServerError, "internal error; nothing was issued"), StatusCodes.Status500InternalServerError);
    }

    private static void PrepareSocket(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            // A socket file left by a previous run would make bind fail.
            File.Delete(path);
        }
    }

    /// <summary>Any local process may ask the workload endpoint (0666); attestation, not the file mode, decides what it gets.</summary>
    private static void OpenSocket(string path, bool enabled)
    {
        if (enabled && !OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }
    }

    private static void RestrictSocket(string path, bool enabled)
    {
        if (enabled && !OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
