namespace Mandate.Server.Hosting;

/// <summary>The broker could not bind its listen address; the message says what to do, in one line.</summary>
public sealed class ListenerInUseException : IOException
{
    /// <summary><paramref name="setting"/> is the configuration key that names the address: <c>listen</c> (also <c>--listen</c>), <c>proxy.listen</c> or <c>console.listen</c>.</summary>
    public ListenerInUseException(string url, Exception? innerException = null, string setting = "listen")
        : base($"cannot listen on {url}: the address is already in use. Is another broker running? Stop it, or choose a free address with {Remedy(setting)}", innerException)
    {
        Url = url;
    }

    public ListenerInUseException()
    {
        Url = "";
    }

    public string Url { get; }

    private static string Remedy(string setting) =>
        setting == "listen" ? "--listen (or 'listen:' in the configuration)" : $"'{setting}:' in the configuration";
}
