using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// The console as a browser uses it: its own cookie jar that sends every cookie back, including Secure ones over
/// loopback http (as Chromium does for 127.0.0.1, which HttpClient's CookieContainer would not), no automatic
/// redirects, and the form token read from the page like a form carries it.
/// </summary>
internal sealed partial class ConsoleBrowser : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    /// <param name="console">The console's address.</param>
    /// <param name="trustedRoot">For an https console: the only root its certificate may chain to.</param>
    public ConsoleBrowser(Uri console, X509Certificate2? trustedRoot = null)
    {
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false };
        if (trustedRoot is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                if (presented is null)
                {
                    return false;
                }

                using var certificate = new X509Certificate2(presented);
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(trustedRoot);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }

        _http = new HttpClient(handler) { BaseAddress = console, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Every Set-Cookie header seen, raw, for attribute checks.</summary>
    public List<string> SetCookies { get; } = [];

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <summary>Every cookie set so far is a <c>__Host-</c> cookie: Secure, HttpOnly, path /, no domain (RFC 6265bis §4.1.3.2).</summary>
    public void AssertEveryCookieIsASecureHostCookie() =>
        Assert.All(SetCookies, c =>
        {
            Assert.StartsWith("__Host-", c, StringComparison.Ordinal);
            Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; path=/", c, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", c, StringComparison.OrdinalIgnoreCase);
        });

    /// <summary>Sends <paramref name="name"/> from now on, as an attacker replaying a copied cookie would.</summary>
    public void SetCookie(string name, string value) => _cookies[name] = value;

    public Task<Page> GetAsync(string pathOrUrl) => SendAsync(new HttpRequestMessage(HttpMethod.Get, pathOrUrl));

    public Task<Page> HeadAsync(string pathOrUrl) => SendAsync(new HttpRequestMessage(HttpMethod.Head, pathOrUrl));

    /// <summary>Posts a form; <paramref name="token"/> is the <c>__csrf</c> field (null sends none).</summary>
    public Task<Page> PostAsync(string path, string? token, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (token is not null)
        {
            form.Add(new("__csrf", token));
        }

        return SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });
    }

    /// <summary>Posts <paramref name="content"/> as it is, as a hostile client would: any bytes, any Content-Type.</summary>
    public Task<Page> PostRawAsync(string path, HttpContent content) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content });

    /// <summary>Opens <paramref name="confirmPath"/> (the confirmation page) and presses <c>#confirm</c> with its form.</summary>
    public async Task<Page> ConfirmAsync(string confirmPath, string reason = "checked in the console")
    {
        var confirm = await GetAsync(confirmPath);
        Assert.True(confirm.Status == HttpStatusCode.OK, confirm.ToString());
        Assert.Contains("id=\"confirm\"", confirm.Html, StringComparison.Ordinal);
        var fields = confirm.HiddenFields().Where(f => f.Name != "__csrf").Append(("reason", reason)).ToArray();
        return await PostAsync(confirm.FormAction(), confirm.Token(), fields);
    }

    private async Task<Page> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }

            using var response = await _http.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var header in setCookies)
                {
                    SetCookies.Add(header);
                    var pair = header.Split(';', 2)[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
                    var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase) || value.Length == 0;
                    if (expired)
                    {
                        _cookies.Remove(name);
                    }
                    else
                    {
                        _cookies[name] = value;
                    }
                }
            }

            return new Page(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location,
                response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase));
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>One response: status, HTML, redirect target and headers.</summary>
    internal sealed partial record Page(HttpStatusCode Status, string Html, Uri? Location, IReadOnlyDictionary<string, string> Headers)
    {
        public string Token() => HiddenFields().First(f => f.Name == "__csrf").Value;

        public IEnumerable<(string Name, string Value)> HiddenFields() =>
            HiddenField().Matches(Html).Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)));

        public string FormAction() => WebUtility.HtmlDecode(PostForm().Match(Html).Groups[1].Value);

        public bool HasElement(string id) => Html.Contains($"id=\"{id}\"", StringComparison.Ordinal);

        public override string ToString() => $"{(int)Status} {Location} {Html[..Math.Min(Html.Length, 600)]}";

        [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
        private static partial Regex HiddenField();

        [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\">")]
        private static partial Regex PostForm();
    }
}
