using Mandate.Core;
using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Mandate.Server.Hosting;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Console;

/// <summary>
/// The web console as its own small web application on its own listener, beside the broker's: its requests never
/// reach the OAuth or admin endpoints, and the broker's listeners never serve a console page. It shares the
/// broker's services (store, approvals, revocations, policy) rather than holding copies.
/// </summary>
internal static class ConsoleHost
{
    /// <summary>The services the pages use, taken from the broker's container.</summary>
    private static readonly Type[] Shared =
    [
        typeof(MandateOptions), typeof(TimeProvider), typeof(IMandateStore), typeof(ApprovalService),
        typeof(RevocationService), typeof(RevocationList), typeof(PolicyProvider), typeof(ConsoleLoginCodes), typeof(IUnitOfWork), typeof(SecretVault),
    ];

    /// <summary>The console app when <c>console.listen</c> is set; null otherwise.</summary>
    public static WebApplication? Build(MandateOptions options, MandateHostOptions host, IServiceProvider broker)
    {
        if (options.Console.Listen is not { } url)
        {
            return null;
        }

        var listen = ListenAddress.Parse(url, options.SenderConstraint.Tls is not null);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Mandate.Console", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(host.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        host.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024;
            ListenerLimits.Apply(k.Limits, options.Limits);
            Http.ContentLengthDigits.Apply(k);
            k.Listen(listen.Address, listen.Port, l =>
            {
                ListenerLimits.CapConnections(l, options.Limits, "console");
                if (listen.Https)
                {
                    SenderConstraint.TlsListener.Configure(l, options.SenderConstraint.Tls!);
                }
            });
        });
        foreach (var type in Shared)
        {
            builder.Services.AddSingleton(type, _ => broker.GetRequiredService(type));
        }

        // Sessions and form tokens are protected with keys that live only in this process: a restart signs everyone out.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var https = ReachedOverHttps(options.Console, listen);
        builder.Services.AddConsoleAuthentication(options.Console, https, host.GetEnvironment, host.Time);
        builder.Services.AddConsoleAntiforgery(https);
        builder.Services.AddSingleton<ChainStatus>();
        builder.Services.AddSingleton<ConsoleSignInAudit>();
        // The slim builder leaves the regex route constraint out; the pages use it for their verbs (approve|deny, disable|enable).
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<RegexInlineRouteConstraint>("regex"));

        var app = builder.Build();
        if (https && !listen.Https)
        {
            // Behind a TLS-terminating proxy: the request reached the proxy over https, which the cookies' checks ask.
            app.Use((http, next) =>
            {
                http.Request.Scheme = Uri.UriSchemeHttps;
                return next(http);
            });
        }

        // A body the client broke (a chunk size that overflows, a coding before chunked) is refused as the broker's listeners refuse it.
        app.UseClientRequestBody();
        app.UseImplementedMethods();
        app.UseConsoleSecurityHeaders(options.Console.Oidc?.Issuer);
        app.UseConsoleFaults();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            await ConsolePages.ErrorAsync(http, $"{http.Response.StatusCode}", http.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
                ? $"this page does not take a {http.Request.Method} request (only {http.Response.Headers.Allow}); use the console's links and buttons"
                : "there is no such page here");
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapConsoleStatic();
        app.MapConsoleLogin();
        var pages = app.MapGroup("").RequireAuthorization(ConsoleAuthentication.ViewerPolicy);
        pages.MapGetAndHead("/", () => Results.Redirect("/runs"));
        pages.MapApprovalPages();
        pages.MapAgentPages();
        pages.MapAuditPages();
        pages.MapRunPages();
        pages.MapRevocationPages();
        pages.MapPolicyPages();
        return app;
    }

    /// <summary>
    /// Whether people reach the console over https: its own TLS listener, or a TLS-terminating reverse proxy in front of
    /// the plain loopback listener (an https <c>console.public_url</c>). Then every cookie is a Secure <c>__Host-</c>
    /// cookie, which a browser never sends over plain http, not even to the proxy's port 80 on the same host.
    /// </summary>
    private static bool ReachedOverHttps(ConsoleOptions console, ListenAddress listen) =>
        listen.Https || string.Equals(console.PublicUrl?.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal);

    /// <summary>The bound address (resolves port 0).</summary>
    public static Uri Address(WebApplication console) =>
        new(console.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
