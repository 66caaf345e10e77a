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
    public InvalidOptionsException(string option, string message) : this(option, message, null) { }

    private InvalidOptionsException(string option, string message, Exception? inner) : base($"Invalid option '{option}': {message}", inner)
    {
        Option = option;
        Detail = message;
    }

    /// <summary>Name of the offending option: a property path such as "TrainingOptions.Epochs" when raised by a plan.</summary>
    public string Option { get; }

    /// <summary>What is wrong with the value, without the option's name (e.g. "must be ≥ 1; got 0.").</summary>
    public string Detail { get; }

    /// <summary>
    /// The same problem with the option named from an enclosing object: <c>Within("Method")</c> turns option "Steps"
    /// into "Method.Steps", so that a front end can map the whole path to its own flag or parameter name.
    /// </summary>
    internal InvalidOptionsException Within(string path) =>
        new(string.IsNullOrEmpty(path) ? Option : $"{path}.{Option}", Detail, this);
}
