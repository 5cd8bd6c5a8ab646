# PyTorch equivalent of examples/CsvMlp (docs/conveniences.md compares their line counts).
import pandas as pd
import torch
from torch import nn
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

train = pd.read_csv("fruit_train.csv")
test = pd.read_csv("fruit_test.csv")
classes = sorted(train["fruit"].unique())


def tensors(frame):
    x = torch.tensor(frame.drop(columns="fruit").values, dtype=torch.float32)
    y = torch.tensor(frame["fruit"].map(classes.index).values)
    return x, y


(x_train, y_train), (x_test, y_test) = tensors(train), tensors(test)
mean, std = x_train.mean(0), x_train.std(0, unbiased=False)
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, len(classes)))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=16, shuffle=True)
for epoch in range(100):
    for xb, yb in loader:
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(xb), yb).backward()
        optimizer.step()

model.eval()
with torch.no_grad():
    predicted = model(x_test).argmax(1)
print(f"accuracy {accuracy_score(y_test, predicted):.3f}, macro-F1 {f1_score(y_test, predicted, average='macro'):.3f}")
print(confusion_matrix(y_test, predicted))

torch.save(model.state_dict(), "fruit-mlp.pt")
reloaded = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, len(classes)))
reloaded.load_state_dict(torch.load("fruit-mlp.pt"))
with torch.no_grad():
    print("reloaded predicts the same:", torch.equal(reloaded(x_test).argmax(1), predicted))
print(model)
