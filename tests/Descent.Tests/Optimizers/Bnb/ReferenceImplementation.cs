namespace Descent.Tests.Optimizers.Bnb;

/// <summary>The reference transcription (<see cref="BnbReference"/>) as a <see cref="TrajectoryReplay.IImplementation"/>.</summary>
public sealed class ReferenceImplementation : TrajectoryReplay.IImplementation
{
    private readonly Adam8bitGolden.TrajectoryCase c;
    private readonly float[][] parameters;
    private readonly BnbReference.State[] states;
    private readonly float[] qmap1 = BnbReference.CreateDynamicMap(signed: true);
    private readonly float[] qmap2 = BnbReference.CreateDynamicMap(signed: false);

    public ReferenceImplementation(Adam8bitGolden.TrajectoryCase c)
    {
        this.c = c;
        parameters = [.. c.ParamsInit.Select(p => (float[])p.Clone())];
        states = [.. parameters.Select(p => BnbReference.InitState(p.Length))];
    }

    public void Step(float[][] grads)
    {
        var h = new BnbReference.Hyper(c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.WeightDecay);
        for (var k = 0; k < parameters.Length; k++)
        {
            if (c.Cuda)
            {
                BnbReference.StepCuda(h, parameters[k], grads[k], states[k], qmap1, qmap2);
            }
            else
            {
                BnbReference.StepCpu(h, parameters[k], grads[k], states[k], qmap1, qmap2);
            }
        }
    }

    public float[] Parameter(int k) => parameters[k];

    public (float[] ExpAvg, float[] ExpAvgSq) Absmax(int k) => (states[k].Absmax1!, states[k].Absmax2!);

    public (long Step, float[] State1, float[] State2) Final(int k)
    {
        var s = states[k];
        return s.Codes1 is null
            ? (s.Step, s.State1!, s.State2!)
            : (s.Step, [.. s.Codes1.Select(x => (float)x)], [.. s.Codes2!.Select(x => (float)x)]);
    }
}
