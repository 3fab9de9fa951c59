namespace Mandate.Server.Hosting;

/// <summary>The broker could not bind its listen address; the message says what to do, in one line.</summary>
public sealed class ListenerInUseException : IOException
{
    public ListenerInUseException(string url, Exception? innerException = null)
        : base($"cannot listen on {url}: the address is already in use. Is another broker running? Stop it, or choose a free address with --listen (or 'listen:' in the configuration)", innerException)
    {
        Url = url;
    }

    public ListenerInUseException()
    {
        Url = "";
    }

    public string Url { get; }
}
