using Descent.Nn;

namespace Descent.Text.Transformers;

/// <summary>
/// Sequence classification on a BERT encoder: logits = classifier(dropout(MaskedMean(bert(x)))) — the sentence-
/// transformers embedding followed by a linear head (<c>bert.*</c>, <c>classifier.weight</c>, <c>classifier.bias</c>).
/// </summary>
public sealed class BertClassifier : Module
{
    /// <summary>Wraps an encoder (usually with pretrained weights) and creates a fresh head.</summary>
    public BertClassifier(BertModel bert, int numClasses, Rng rng, double dropout = 0.1)
    {
        ArgumentNullException.ThrowIfNull(bert);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        Bert = RegisterModule("bert", bert);
        Dropout = RegisterModule("dropout", new Dropout(dropout, rng));
        Classifier = RegisterModule("classifier", new Linear(bert.Config.HiddenSize, numClasses, rng));
    }

    /// <summary>The encoder.</summary>
    public BertModel Bert { get; }

    /// <summary>Dropout on the pooled embedding.</summary>
    public Dropout Dropout { get; }

    /// <summary>The linear head [classes, hidden].</summary>
    public Linear Classifier { get; }

    /// <summary>Logits [B, classes].</summary>
    public Tensor Forward(BertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Classifier.Forward(Dropout.Forward(Bert.EncodeSentences(input)));
    }

    /// <summary>Logits for [B, S] token ids given as floats (no padding).</summary>
    public override Tensor Forward(Tensor input) => Forward(BertModel.InputFromTensor(input));
}
