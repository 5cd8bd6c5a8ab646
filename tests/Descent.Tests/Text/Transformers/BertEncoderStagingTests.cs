using Descent.Autodiff;
using Descent.Nn;
using Descent.Nn.Lora;
using Descent.Text.Transformers;

namespace Descent.Tests.Text.Transformers;

/// <summary>Inference inside a workspace runs the encoder layer by layer as <see cref="Workspace.Stage{TState}"/>s: the same
/// hidden states as without a workspace, holding one layer's intermediates instead of every layer's.</summary>
public sealed class BertEncoderStagingTests
{
    private static readonly BertConfig Tiny = new() { HiddenSize = 16, NumLayers = 3, NumHeads = 2, IntermediateSize = 32, MaxPositions = 32 };

    [Fact]
    public void StagedInferenceGivesTheSameHiddenStatesWithOneLayersIntermediates()
    {
        var model = new BertModel(Tiny, new Rng(3));
        LoraAdapters.Apply(model, new LoraOptions { Rank = 2, TargetModules = ["query", "value", "dense"], Seed = 4 });
        foreach (var (_, adapter) in LoraAdapters.Find(model))
        {
            Tensor.Normal(new Rng(5), 0, 0.5f, adapter.B.Weight.Shape).Span.CopyTo(adapter.B.Weight.Span); // a non-zero update
        }

        model.Eval();
        var ids = Enumerable.Range(0, 2 * 9).Select(i => 5 + (i * 7 % 90)).ToArray();
        var input = new BertInput(2, 9, ids);
        var workspace = new Workspace();
        using (Tape.NoGrad())
        {
            var expected = model.HiddenStates(input).Select(t => t.ToArray()).ToList();
            using (workspace.Begin())
            {
                var states = model.HiddenStates(input);
                Assert.Equal(expected, states.Select(t => t.ToArray()).ToList());
                Assert.Equal(expected[^1], model.Forward(input).ToArray());
            }

            var staged = workspace.ReservedBytes;
            workspace.Clear();
            using (workspace.Begin())
            {
                var h = model.Embeddings.Forward(input);
                var bias = BertSelfAttention.MaskBias(input.MaskTensor());
                for (var l = 0; l < Tiny.NumLayers; l++)
                {
                    h = model.Encoder[l].Forward(h, bias); // unstaged: every layer's intermediates stay in the scope
                }

                Assert.Equal(expected[^1], h.ToArray());
            }

            Assert.True(staged < workspace.ReservedBytes, $"staged {staged} bytes, unstaged {workspace.ReservedBytes}");
        }
    }
}
