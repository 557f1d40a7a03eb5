// TEMPORARY until the data branch lands.
namespace WeakToStrong.Protocol;
public static class TaskPreparation { public static (ExperimentSplit, DataReport) Prepare(WeakToStrong.Data.TaskData t, int seed, int? maxTrain, int? maxTest) => throw new NotImplementedException(); }
