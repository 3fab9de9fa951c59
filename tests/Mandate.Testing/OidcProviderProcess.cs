using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace Mandate.Testing;

/// <summary>
/// A real OpenID Provider (panva/oidc-provider, tests/oidc-provider/server.mjs run by Node) on 127.0.0.1 with the
/// users a test chooses. PKCE S256 is required; the sign-in and consent pages check the password. Stops when disposed
/// (its stdin closes), or when the test process dies.
/// </summary>
public sealed class OidcProviderProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] CodeOnly = ["code"];
    private static readonly string[] AuthorizationCodeOnly = ["authorization_code"];
    private readonly Process _node;
    private readonly string _registrationToken;
    private readonly Task<string> _errors;

    private OidcProviderProcess(Process node, Task<string> errors, Uri issuer, string registrationToken)
    {
        _node = node;
        _errors = errors;
        Issuer = issuer;
        _registrationToken = registrationToken;
    }

    /// <summary>The issuer, <c>http://127.0.0.1:PORT</c> (no trailing slash).</summary>
    public Uri Issuer { get; }

    public string IssuerText => Issuer.GetLeftPart(UriPartial.Authority);

    public static async Task<OidcProviderProcess> StartAsync(params OidcTestUser[] users)
    {
        var folder = NodeProjects.Installed(Path.Combine("tests", "oidc-provider"), "oidc-provider");
        var registrationToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var settings = JsonSerializer.Serialize(new
        {
            registrationToken,
            users = users.Select(u => new { id = u.Id, password = u.Password, name = u.Name, roles = u.Roles }),
        });

        // On a loaded machine a Node start-up now and then stalls before it listens (seen twice in a row, between loading
        // the module and listening, while CI ran other test projects beside it): two more tries, then fail.
        TimeoutException? stalled = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                return await StartOnceAsync(folder, settings, registrationToken);
            }
            catch (TimeoutException e)
            {
                stalled = e;
            }
        }

        throw stalled!;
    }

    private static async Task<OidcProviderProcess> StartOnceAsync(string folder, string settings, string registrationToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("server.mjs");
        start.ArgumentList.Add(settings);
        var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: Node.js is needed by the OpenID provider tests");
        var errors = node.StandardError.ReadToEndAsync();
        using var ready = new CancellationTokenSource(StartTimeout);
        try
        {
            var line = await node.StandardOutput.ReadLineAsync(ready.Token)
                ?? throw new InvalidOperationException("the OpenID provider exited: " + await errors.WaitAsync(ready.Token));
            var issuer = JsonDocument.Parse(line).RootElement.GetProperty("issuer").GetString()!;
            return new OidcProviderProcess(node, errors, new Uri(issuer), registrationToken);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            var said = await errors;
            node.Dispose();
            throw new TimeoutException($"the OpenID provider did not start within {StartTimeout.TotalSeconds:0} s: " + said);
        }
    }

    /// <summary>Registers a confidential web client (authorization code, <c>client_secret_post</c>) for <paramref name="redirectUri"/>.</summary>
    public async Task<OidcTestClient> RegisterClientAsync(Uri redirectUri, string tokenEndpointAuthMethod = "client_secret_post")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Issuer, "/reg"))
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["redirect_uris"] = new[] { redirectUri.AbsoluteUri },
                ["response_types"] = CodeOnly,
                ["grant_types"] = AuthorizationCodeOnly,
                ["token_endpoint_auth_method"] = tokenEndpointAuthMethod,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _registrationToken);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"client registration failed ({(int)response.StatusCode}): {body}");
        }

        var client = JsonDocument.Parse(body).RootElement;
        return new OidcTestClient(client.GetProperty("client_id").GetString()!, client.GetProperty("client_secret").GetString()!);
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

        _ = await _errors;
        _node.Dispose();
    }
}
