# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""[redrive] how each API process runs dead-letter redrive tasks."""

from oslo_config import cfg

GROUP = 'redrive'

OPTS = [
    cfg.BoolOpt('run_tasks', default=True,
                help='Run redrive tasks in this API process. Any process '
                     'with this on may take any task (one at a time holds '
                     'it); with it off in every process, tasks are '
                     'accepted and stay pending.'),
    cfg.FloatOpt('scan_interval', default=1.0, min=0.05,
                 help='Seconds between two looks at the unfinished tasks '
                      '(a task created by this process is looked at at '
                      'once).'),
    cfg.IntOpt('tasks_per_process', default=4, min=1,
               help='Tasks one API process runs at the same time; the '
                    'others wait for a free slot here or run elsewhere.'),
    cfg.IntOpt('batch_size', default=50, min=1, max=1000,
               help='Most messages moved in one batch (a task with a rate '
                    'moves at most rate messages per batch).'),
    cfg.IntOpt('max_storage_errors', default=10, min=1,
               help='Storage errors in a row after which a task ends as '
                    'failed (between them it waits 2, 4, ... up to 30 '
                    'seconds).'),
    cfg.IntOpt('task_retention', default=3 * 86400, min=60,
               help='Seconds a finished task stays readable with GET '
                    'before it is removed.'),
]


def list_opts():
    return {GROUP: OPTS}
