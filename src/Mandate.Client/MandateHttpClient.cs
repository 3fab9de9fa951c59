namespace Mandate.Client;

/// <summary>
/// <see cref="HttpClient"/>s for the broker and for tools that never follow a redirect. A client that follows a 307/308
/// re-sends the request body (identity tokens included) to the address the redirect names before the SDK sees the
/// answer; with these, a redirect reaches the SDK unfollowed and is refused as <c>invalid_response</c>.
/// </summary>
public static class MandateHttpClient
{
    /// <summary>The default request timeout of <see cref="Create"/>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An HttpClient for the broker at <paramref name="broker"/>, which does not follow redirects.</summary>
    /// <param name="broker">The broker's base address, e.g. https://mandate.acme.example/ (a trailing slash is added if missing, so relative paths stay below it).</param>
    /// <param name="timeout">Each request's timeout; default <see cref="DefaultTimeout"/>.</param>
    public static HttpClient Create(Uri broker, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        if (!broker.IsAbsoluteUri)
        {
            throw new ArgumentException("the broker's address must be absolute, e.g. https://mandate.acme.example/", nameof(broker));
        }

        var baseAddress = broker.AbsolutePath.EndsWith('/') ? broker : new UriBuilder(broker) { Path = broker.AbsolutePath + "/" }.Uri;
        return new HttpClient(Handler()) { BaseAddress = baseAddress, Timeout = timeout ?? DefaultTimeout };
    }

    /// <summary>
    /// A handler that does not follow redirects: the inner handler for <see cref="MandateCredentialHandler"/> and
    /// <see cref="MandateMcpCredentialHandler"/>, so a tool's redirect never carries a credential or proof elsewhere.
    /// </summary>
    public static SocketsHttpHandler Handler() => new() { AllowAutoRedirect = false };
}
