namespace Mandate.ResourceServer;

/// <summary>The broker's metadata, keys or introspection could not be used; requests are refused (fail closed) with 503.</summary>
internal sealed class BrokerUnavailableException : Exception
{
    public BrokerUnavailableException()
    {
    }

    public BrokerUnavailableException(string message)
        : base(message)
    {
    }

    public BrokerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The broker was reached but refused the tool's own workload identity (or the tool has none): a deployment fault.</summary>
    public bool IdentityRefused { get; init; }
}
