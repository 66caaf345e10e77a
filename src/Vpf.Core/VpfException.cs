namespace Vpf.Core;

/// <summary>Base of every error this library raises on purpose: bad data, bad model files, bad options, diverged training.</summary>
public abstract class VpfException : Exception
{
    /// <summary>Creates the exception with a message that says what was expected and what was found.</summary>
    protected VpfException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An option or argument outside its valid range; the message names the option, the value and what is allowed.</summary>
public sealed class InvalidOptionsException : VpfException
{
    /// <summary>Creates the exception for option <paramref name="option"/>.</summary>
    public InvalidOptionsException(string option, string message) : base($"Invalid option '{option}': {message}") => Option = option;

    /// <summary>Name of the offending option.</summary>
    public string Option { get; }
}
