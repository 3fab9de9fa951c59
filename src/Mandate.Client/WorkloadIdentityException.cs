namespace Mandate.Client;

/// <summary>
/// The SDK could not get this process's workload identity from Mandate's workload endpoint; the message says
/// why and how to fix it (start the broker with <c>spiffe.enabled</c>, or register the process).
/// </summary>
public sealed class WorkloadIdentityException : Exception
{
    /// <summary>A failure with the endpoint's HTTP status (0 when it could not be reached).</summary>
    public WorkloadIdentityException(string message, int status, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>An unspecified failure.</summary>
    public WorkloadIdentityException()
        : this("the workload identity could not be obtained", 0)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public WorkloadIdentityException(string message)
        : this(message, 0)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public WorkloadIdentityException(string message, Exception innerException)
        : this(message, 0, innerException)
    {
    }

    /// <summary>HTTP status of the workload endpoint's answer; 0 when the socket could not be reached.</summary>
    public int Status { get; }
}
