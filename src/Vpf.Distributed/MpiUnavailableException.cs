namespace Vpf.Distributed;

/// <summary>No usable MPI library could be loaded or started; the message says what was tried and how to fix it.</summary>
public sealed class MpiUnavailableException : Exception
{
    /// <summary>Creates the error.</summary>
    public MpiUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An MPI call returned an error code; the message names the call and MPI's own explanation.</summary>
public sealed class MpiCallException : Exception
{
    /// <summary>Creates the error.</summary>
    public MpiCallException(string call, int code, string explanation)
        : base($"{call} failed with MPI error {code}: {explanation}") => (Call, Code) = (call, code);

    /// <summary>The MPI function that failed.</summary>
    public string Call { get; }

    /// <summary>Its return code.</summary>
    public int Code { get; }
}
