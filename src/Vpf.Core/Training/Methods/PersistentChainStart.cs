namespace Vpf.Core.Training;

/// <summary>Where persistent fantasy chains (PCD, DBM-PCD) start when they are first needed.</summary>
public enum PersistentChainStart
{
    /// <summary>
    /// From the first mini-batch: chain c starts at row c mod B of the first batch (hidden layers of a DBM from
    /// Bernoulli samples of its mean-field rates). The default, as in scikit-learn's BernoulliRBM, whose chains start
    /// from the first batch's hidden samples.
    /// </summary>
    FirstBatch = 0,

    /// <summary>Every unit of every chain is an independent fair coin, drawn from the options' chain seed.</summary>
    Random = 1,
}
