/** Test models shared by the end-to-end and checker tests. */
import * as nn from '@chainrule/nn';

/** LeNet-5-like: conv-relu-maxpool twice, flatten, three linear layers, log-softmax. */
export function lenet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.AvgPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.Tanh(),
    new nn.Linear(84, 10),
    new nn.LogSoftmax(),
  );
}
